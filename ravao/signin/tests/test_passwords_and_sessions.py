"""Owners log in by phone in any form (phone encrypted, found by keyed hash); password resets by
e-mail, by SMS code (owners) and by the official above (temporary, changed at next log-in,
audited); sessions end when idle and after a fixed time."""

import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from ravao.accounts import sessions
from ravao.accounts.models import User
from ravao.audit.models import AuditEntry
from ravao.core.sms import ConsoleSMSBackend
from ravao.testing import Role, make_user

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def owner(db):
    return make_user("owner-1a2b3c4d", Role.VENUE_MANAGER, phone="+84935246810", password="owner-pass-1")


@pytest.mark.parametrize("typed", ["0935246810", "0935 246 810", "+84935246810", "84935246810", "+84 935-246-810"])
def test_an_owner_logs_in_with_the_phone_in_any_common_form(owner, typed):
    c = Client()
    res = c.post("/accounts/login/", {"username": typed, "password": "owner-pass-1"})
    assert res.status_code == 302 and c.session["_auth_user_id"] == str(owner.pk)
    assert Client().post("/accounts/login/", {"username": typed, "password": "wrong"}).status_code == 200


def test_the_phone_is_stored_encrypted_and_never_as_the_user_name(owner):
    with connection.cursor() as cur:
        cur.execute("SELECT username, phone, phone_hash FROM accounts_user WHERE id = %s", [owner.pk])
        username, stored, digest = cur.fetchone()
    assert "935246810" not in username + stored + digest
    assert User.objects.get(pk=owner.pk).phone == "+84935246810"


def test_an_e_mail_reset_sends_a_link_that_sets_a_new_password(users):
    users["commune_a"].email = "xa@example.vn"
    users["commune_a"].save()
    c = Client(headers=EN)
    assert c.post("/accounts/password/reset/", {"email": "xa@example.vn"}).status_code == 302
    assert c.post("/accounts/password/reset/", {"email": "nobody@example.vn"}).status_code == 302  # same answer
    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form = c.get(link, follow=True)
    res = c.post(
        form.redirect_chain[-1][0], {"new_password1": "a-new-long-pass-1", "new_password2": "a-new-long-pass-1"}
    )
    assert res.status_code == 302
    assert Client().login(username="commune_a", password="a-new-long-pass-1")


def test_the_vietnamese_reset_page_offers_every_way(db):
    html = Client().get("/accounts/password/reset/").content.decode()
    assert "Quên mật khẩu?" in html and "/accounts/password/sms/" in html


def test_an_owner_resets_by_an_sms_code_and_unknown_numbers_learn_nothing(owner):
    c = Client(headers=EN)
    before = len(ConsoleSMSBackend.outbox)
    res = c.post("/accounts/password/sms/", {"step": "phone", "phone": "0912 000 111"})
    assert res.status_code == 200 and len(ConsoleSMSBackend.outbox) == before  # no account: no SMS

    def page(res):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", res.content.decode())

    unknown_answer = page(res)
    res = c.post("/accounts/password/sms/", {"step": "phone", "phone": "0935 246 810"})
    assert page(res) == unknown_answer
    phone, text = ConsoleSMSBackend.outbox[-1]
    code = re.search(r"\b(\d{6})\b", text).group(1)
    form = {"step": "code", "code": code, "password1": "owner-new-pass-2", "password2": "owner-new-pass-2"}
    assert (
        c.post("/accounts/password/sms/", {**form, "code": "000000" if code != "000000" else "111111"}).status_code
        == 400
    )
    assert c.post("/accounts/password/sms/", form).status_code == 302
    assert Client().login(username="0935246810", password="owner-new-pass-2")
    assert AuditEntry.objects.filter(object_type="account_password", object_id=str(owner.pk)).exists()


def test_the_official_above_sets_a_temporary_password_changed_at_next_log_in(users):
    province = Client(headers=EN)
    province.force_login(users["province"])
    target = users["commune_a"]
    res = province.post(f"/accounts/users/{target.pk}/temporary-password/")
    temporary = re.search(r'id="temporary-password">([^<]+)<', res.content.decode()).group(1)
    entry = AuditEntry.objects.get(object_type="account_password")
    assert entry.user == users["province"] and entry.unit == target.unit
    # A sibling commune official is not above: the account is not found.
    sibling = Client()
    sibling.force_login(users["commune_b"])
    assert sibling.post(f"/accounts/users/{target.pk}/temporary-password/").status_code in (403, 404)

    c = Client(headers=EN)
    assert c.post("/accounts/login/", {"username": "commune_a", "password": temporary}).status_code == 302
    res = c.get("/dashboard/")
    assert res["Location"].startswith("/accounts/password/change/")
    change = {"old_password": temporary, "new_password1": "mine-and-long-3", "new_password2": "mine-and-long-3"}
    assert c.post("/accounts/password/change/", change).status_code == 302
    assert c.get("/dashboard/").status_code == 200


def test_a_session_ends_when_idle_and_after_its_lifetime(users, settings):
    c = Client()
    c.force_login(users["commune_a"])
    assert c.get("/dashboard/").status_code == 200
    session = c.session
    session[sessions.SEEN_AT] = time.time() - settings.RAVAO_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    res = c.get("/dashboard/")
    assert res.status_code == 302 and res["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in c.session
    # Venue staff stay longer idle; nobody stays past the lifetime.
    c.force_login(users["staff"])
    c.get("/dashboard/")
    session = c.session
    session[sessions.SEEN_AT] = time.time() - settings.RAVAO_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    assert c.get("/dashboard/").status_code == 200
    session = c.session
    session[sessions.AUTH_AT] = time.time() - settings.RAVAO_SESSION_MAX_HOURS * 3600 - 5
    session.save()
    assert c.get("/dashboard/").status_code == 302
    assert settings.SESSION_COOKIE_AGE == settings.RAVAO_SESSION_MAX_HOURS * 3600 < 14 * 24 * 3600
