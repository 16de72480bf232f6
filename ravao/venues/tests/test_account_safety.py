"""Venue accounts cannot be taken over: phone-number user names are kept for accounts whose
phone was proved by SMS, self-registration reuses an account only when the same phone was
proved for it before (and then takes the new password and ends its tokens and sessions), a code
is used up only by a registration that succeeds, and a venue always keeps a manager."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from ravao.accounts.models import ApiToken, User
from ravao.accounts.phones import hash_of_typed
from ravao.accounts.services import token_issue
from ravao.core.sms import ConsoleSMSBackend
from ravao.testing import ApiClient, make_user
from ravao.venues.models import MembershipRole, PhoneOTP, Venue, VenueMembership
from ravao.venues.testing import make_venue

PASSWORD = "a-good-long-passphrase"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    from django.core.cache import cache

    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()  # the SMS limits count in the cache: leave none for other tests


def register(small_map, *, name="Quán cơm Bà Năm", phone="0905 123 456", password=PASSWORD, code=None):
    """The self-registration pages: the form, then the SMS code. Returns (client, response)."""
    from ravao.catalog.models import VenueType

    c = Client(headers={"Accept-Language": "en"})
    form = {
        "name": name,
        "venue_type": VenueType.objects.get(code="restaurant").pk,
        "unit": small_map.commune_a.code,
        "street": "9 Nguyễn Huệ",
        "contact_name": "Nguyễn Thị Năm",
        "phone": phone,
        "password": password,
    }
    res = c.post("/venues/register/", form)
    assert res.status_code == 302, res.content.decode()[:800]
    sent = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    return c, c.post("/venues/register/confirm/", {"code": code or sent}), sent


@pytest.mark.parametrize("username", ["84905123456", "+84 905 123 456", "0905.123.456", "(84) 905-123-456"])
def test_a_manager_cannot_make_a_staff_account_named_like_a_phone(users, small_map, username):
    venue = make_venue(small_map.commune_a)
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    res = ApiClient(users["manager"]).post(f"/venues/{venue.code}/staff", {"username": username, "role": "staff"})
    assert res.status_code == 409 and res.json()["code"] == "username_unavailable"
    assert not User.objects.filter(username__contains="905").exists()


def test_a_phone_named_account_made_by_someone_else_is_not_handed_over(small_map):
    # An account with the phone, made without proving the phone (e.g. a staff account given
    # this number): whoever made it knows its password.
    squatter = make_user("squatter", "gate_staff", password="attacker-knows-this", phone="+84905123456")
    c, res, _code = register(small_map)
    assert res.status_code == 200 and "never proved for it" in res.content.decode()
    squatter.refresh_from_db()
    assert squatter.role == "gate_staff" and squatter.check_password("attacker-knows-this")
    assert not Venue.objects.filter(name="Quán cơm Bà Năm").exists() and "_auth_user_id" not in c.session


def test_the_same_phone_registering_again_gets_its_account_with_the_new_password(small_map):
    first_client, res, _code = register(small_map)
    assert res.status_code == 302
    user = User.objects.get(phone_hash=hash_of_typed("84905123456"))
    assert user.username.startswith("owner-") and user.phone == "+84905123456"
    token = token_issue(user=user, name="old script")
    assert first_client.get("/venues/mine/").status_code == 200 and "_auth_user_id" in first_client.session

    c, res, _code = register(small_map, name="Quán cơm Bà Năm 2", password="another-long-passphrase")
    assert res.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase") and not user.check_password(PASSWORD)
    assert Venue.objects.get(name="Quán cơm Bà Năm 2").memberships.get().user == user
    assert ApiToken.objects.get(user=user).revoked_at is not None
    api = ApiClient()
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get("/venues").status_code == 401
    # The other session ended (its password hash no longer matches); the new one is logged in.
    first_client.get("/venues/mine/")
    assert "_auth_user_id" not in first_client.session
    assert c.session["_auth_user_id"] == str(user.pk)


def test_a_failed_registration_keeps_the_code_for_the_next_try(small_map):
    from ravao.catalog.models import VenueType

    client = Client(headers={"Accept-Language": "en"})
    form = {
        "name": "Tiệm vàng Kim Thành",
        "venue_type": VenueType.objects.get(code="restaurant").pk,
        "unit": small_map.commune_a.code,
        "street": "1 Trần Phú",
        "contact_name": "Lê Kim",
        "phone": "0905 777 888",
        "password": PASSWORD,
    }
    assert client.post("/venues/register/", form).status_code == 302
    code = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    # Someone registers the same venue meanwhile: the confirmation fails as a duplicate...
    other = make_venue(small_map.commune_a, name="Tiệm vàng Kim Thành", street="1 Trần Phú")
    res = client.post("/venues/register/confirm/", {"code": code})
    assert res.status_code == 200 and "already registered" in res.content.decode()
    assert PhoneOTP.objects.get().used_at is None
    assert not User.objects.filter(phone_hash=hash_of_typed("0905777888")).exists()
    # ... and once that is sorted out, the same code still works (once).
    other.delete()
    res = client.post("/venues/register/confirm/", {"code": code})
    assert res.status_code == 302
    otp = PhoneOTP.objects.get()
    assert otp.used_at is not None and otp.user.phone == "+84905777888"


def test_a_code_registers_once(small_map):
    from ravao.catalog.models import VenueType
    from ravao.core.errors import ServiceError
    from ravao.venues.registration import otp_send, otp_verify, venue_self_register

    otp_send(phone="0905777888")
    code = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    otp = otp_verify(otp_id=PhoneOTP.objects.get().pk, code=code, consume=False)
    kind = VenueType.objects.get(code="restaurant")
    venue_self_register(
        otp=otp, contact_name="Lê Kim", password_hash="!", venue_type=kind, unit=small_map.commune_a, name="A"
    )
    with pytest.raises(ServiceError, match="no longer valid"):
        venue_self_register(
            otp=otp, contact_name="Lê Kim", password_hash="!", venue_type=kind, unit=small_map.commune_a, name="B"
        )
    assert not Venue.objects.filter(name="B").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_removing_each_other_at_once_leave_one(small_map, users):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the SQLite test database is in memory)")
    from django.db import connections, transaction

    from ravao.testing import Role, make_user
    from ravao.venues.staff import staff_remove

    venue = make_venue(small_map.commune_a)
    a = VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    b = VenueMembership.objects.create(
        venue=venue, user=make_user("manager_b", Role.VENUE_MANAGER), role=MembershipRole.MANAGER
    )
    first_done, errors = threading.Event(), []

    def remove_a():
        try:
            with transaction.atomic():
                staff_remove(membership=VenueMembership.objects.get(pk=a.pk), by=None)
                first_done.set()
                threading.Event().wait(0.5)  # still open when the other removal runs
        finally:
            connections.close_all()

    def remove_b():
        try:
            first_done.wait(5)
            staff_remove(membership=VenueMembership.objects.get(pk=b.pk), by=None)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remove_a), threading.Thread(target=remove_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert VenueMembership.objects.filter(venue=venue, role=MembershipRole.MANAGER, active=True).count() == 1
    assert len(errors) == 1 and "at least one manager" in str(errors[0])


def test_the_sms_limit_per_client_counts_the_address_the_proxy_gives(small_map, settings):
    from ravao.catalog.models import VenueType

    settings.RAVAO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    kind = VenueType.objects.get(code="restaurant").pk

    def ask(i, ip):
        form = {
            "name": f"Quán {i}",
            "venue_type": kind,
            "unit": small_map.commune_a.code,
            "street": "",
            "contact_name": "Lê Kim",
            "phone": f"09051234{i:02d}",
            "password": PASSWORD,
        }
        return Client(headers={"Accept-Language": "en", "X-Real-IP": ip}).post("/venues/register/", form)

    # Behind the proxy every request has the proxy's REMOTE_ADDR: only the header tells visitors apart.
    assert all(ask(i, "192.0.2.44").status_code == 302 for i in range(20))
    refused = ask(20, "192.0.2.44")
    assert refused.status_code == 200 and "from this connection" in refused.content.decode()
    assert ask(21, "198.51.100.7").status_code == 302
