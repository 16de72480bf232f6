import pytest

from ravao.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["national", "province", "commune_a", "district_a", "health", "tracer", "auditor", "manager", "staff"]
)
def test_every_role_logs_in_and_lands_on_its_dashboard(client, users, name):
    """Roles that must have a second factor land on its set-up first (ravao/signin/tests)."""
    from ravao.accounts import secondfactor

    r = client.post("/accounts/login/", {"username": name, "password": "pw-for-tests-1"}, follow=True)
    assert r.status_code == 200
    setup = "/accounts/second-factor/setup/?next=/dashboard/"
    expected = setup if secondfactor.required(users[name]) else "/dashboard/"
    assert r.redirect_chain[-1][0] == expected
    assert r.context["user"].username == name


def test_a_wrong_password_is_refused_with_a_message(client, users):
    r = client.post(
        "/accounts/login/", {"username": "province", "password": "wrong"}, headers={"Accept-Language": "en"}
    )
    assert r.status_code == 200
    assert "correct username and password" in r.content.decode()
    assert not r.context["user"].is_authenticated


def test_the_dashboard_needs_a_login(client, db):
    r = client.get("/dashboard/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_auditors_see_the_audit_log_entry_and_others_do_not(client, users):
    client.force_login(users["auditor"])
    assert "/audit/" in client.get("/dashboard/").content.decode()
    client.force_login(users["commune_a"])
    assert "/audit/" not in client.get("/dashboard/").content.decode()


def test_a_superuser_acts_as_a_national_admin(users):
    user = users["manager"]
    user.is_superuser = True
    assert user.effective_role == Role.NATIONAL_ADMIN and user.is_national


def test_repeated_failures_lock_the_username_for_a_while(client, users, settings):
    from ravao.core.models import RateCount

    settings.RAVAO_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "province", "password": "wrong"})
    r = client.post(
        "/accounts/login/", {"username": "province", "password": "pw-for-tests-1"}, headers={"Accept-Language": "en"}
    )
    assert r.status_code == 200 and "Too many failed log-ins" in r.content.decode()
    assert not r.context["user"].is_authenticated
    RateCount.objects.all().delete()  # the window is over
    r = client.post("/accounts/login/", {"username": "province", "password": "pw-for-tests-1"})
    assert r.status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_wrong_passwords_cannot_exceed_the_limit(settings, monkeypatch):
    """8 guesses at once with the limit at 3: the lockout counts every one, in the database
    without Redis (ravao/core/ratelimit.py ``hit_shared``)."""
    import threading

    from django.contrib.auth import forms as auth_forms
    from django.core.cache import cache
    from django.test import RequestFactory

    from ravao.accounts.forms import ThrottledLoginForm

    monkeypatch.setattr(auth_forms, "authenticate", lambda request, **credentials: None)  # wrong, without the DB
    cache.clear()
    settings.RAVAO_LOGIN_MAX_FAILURES = 3
    start, errors = threading.Barrier(8), []

    def guess():
        from django.db import connection

        form = ThrottledLoginForm(RequestFactory().post("/"), data={"username": "province", "password": "wrong"})
        start.wait()
        try:
            form.is_valid()
            errors.extend(e.code for e in form.non_field_errors().as_data())
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(errors) == ["invalid_login"] * 3 + ["throttled"] * 5
    cache.clear()
