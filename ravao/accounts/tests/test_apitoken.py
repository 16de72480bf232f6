from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ravao.accounts.models import ApiToken
from ravao.testing import ApiClient

pytestmark = pytest.mark.django_db


def issue(username):
    out = StringIO()
    call_command("apitoken", username, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_it_prints_a_token_alone_on_the_last_line_and_stores_only_its_hash(users):
    raw = issue("tracer")
    assert raw.startswith("rv_") and " " not in raw
    token = ApiToken.objects.get(user=users["tracer"])
    assert token.digest == ApiToken.hash(raw)
    assert raw not in (token.digest, token.prefix)


def test_the_token_authenticates_api_calls(users, client):
    raw = issue("tracer")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200
    assert r.json() == {
        "username": "tracer",
        "role": "tracer",
        "unit": {"code": "46", "name": "Thành phố Huế", "level": "province"},
        "sector": None,
    }


def test_a_revoked_token_no_longer_works(users, client):
    raw = issue("tracer")
    token = ApiToken.objects.get(user=users["tracer"])
    call_command("apitoken", "tracer", "--revoke", str(token.pk), stdout=StringIO())
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401
    assert "token" in r.json()["detail"]


def test_an_unknown_token_or_none_is_refused_with_json(client, db):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer rv_nope"}).status_code == 401
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/json")


def test_a_deactivated_user_loses_api_access(users):
    api = ApiClient(users["tracer"])
    assert api.get("/me").status_code == 200
    users["tracer"].is_active = False
    users["tracer"].save()
    assert api.get("/me").status_code == 401


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("apitoken", "nobody", stdout=StringIO())


def test_tokens_page_creates_shows_once_and_revokes(users, client):
    client.force_login(users["province"])
    r = client.post("/accounts/tokens/", {"name": "laptop"})
    raw = r.context["raw"]
    assert raw.startswith("rv_") and raw in r.content.decode()
    assert raw not in client.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=users["province"])
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_can_revoke_someone_elses_token(users, client):
    raw_owner = issue("tracer")
    token = ApiToken.objects.get(user=users["tracer"])
    client.force_login(users["province"])
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiClient().client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_owner}"}).status_code == 200
