from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ravao.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_province_official_creates_a_commune_official_in_its_province(client, users, small_map):
    client.force_login(users["province"])
    r = client.post(
        "/accounts/users/",
        {
            "username": "xa_moi",
            "password": "a-long-pass-123",
            "role": "commune_official",
            "unit": "19774 — Phường Phú Xuân",
        },
    )
    assert r.status_code == 302
    created = User.objects.get(username="xa_moi")
    assert created.unit == small_map.commune_b and created.check_password("a-long-pass-123")


def test_nobody_creates_accounts_outside_their_jurisdiction(client, users, small_map):
    client.force_login(users["province"])
    r = client.post(
        "/accounts/users/",
        {"username": "xa_ngoai", "password": "a-long-pass-123", "role": "commune_official", "unit": "20194"},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 200
    assert "No single unit in your jurisdiction" in r.content.decode()
    assert not User.objects.filter(username="xa_ngoai").exists()


def test_nobody_creates_a_role_above_their_own(client, users, small_map):
    client.force_login(users["commune_a"])
    r = client.post(
        "/accounts/users/",
        {"username": "boss", "password": "a-long-pass-123", "role": "province_official", "unit": "46"},
    )
    assert r.status_code == 200 and not User.objects.filter(username="boss").exists()


def test_the_list_shows_only_accounts_within_the_jurisdiction(client, users):
    client.force_login(users["commune_a"])
    page = client.get("/accounts/users/").content.decode()
    assert "commune_a" in page and "commune_b" not in page and "province" not in page.split("<tbody>")[1]


def test_sibling_officials_cannot_deactivate_each_other(client, users):
    client.force_login(users["district_a"])
    assert client.post(f"/accounts/users/{users['district_b'].pk}/active/", {"active": "0"}).status_code == 404
    users["district_b"].refresh_from_db()
    assert users["district_b"].is_active
    client.force_login(users["province"])
    client.post(f"/accounts/users/{users['commune_b'].pk}/active/", {"active": "0"})
    users["commune_b"].refresh_from_db()
    assert not users["commune_b"].is_active


def test_tracers_and_venue_staff_have_no_accounts_page(client, users):
    for name in ("tracer", "staff"):
        client.force_login(users[name])
        assert client.get("/accounts/users/").status_code == 403


def test_the_cli_creates_an_account_with_its_jurisdiction(small_map, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-passphrase\n"))
    out = StringIO()
    call_command(
        "adduser",
        "yte_hue",
        "--role",
        "sector_official",
        "--unit",
        "46",
        "--sector",
        "health",
        "--password-stdin",
        stdout=out,
    )
    assert "created yte_hue" in out.getvalue()
    user = User.objects.get(username="yte_hue")
    assert user.sector.code == "health" and user.check_password("s3cret-passphrase")


def test_the_cli_refuses_inconsistent_accounts(small_map):
    with pytest.raises(CommandError):
        call_command("adduser", "x", "--role", "sector_official", "--unit", "46", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("adduser", "y", "--role", "commune_official", "--unit", "00000", stdout=StringIO())
    assert not User.objects.filter(username__in=["x", "y"]).exists()


def test_a_user_name_is_never_a_phone_number(small_map):
    from ravao.accounts.services import user_create
    from ravao.core.errors import ServiceError

    with pytest.raises(ServiceError) as err:
        user_create(username="84 911 222 333", password=None, role="venue_manager")
    assert err.value.code == "phone_username"
    with pytest.raises(ServiceError):
        user_create(username="84911222333", password=None, role="venue_manager")
