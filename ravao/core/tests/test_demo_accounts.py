import pytest

from ravao.accounts.models import Role, User
from ravao.core.demo import DEMO_PASSWORD, create_demo_accounts
from ravao.units.loader import load_units

pytestmark = pytest.mark.django_db


def test_there_is_a_demo_login_for_every_role_and_each_works(client):
    load_units("2025")
    load_units("legacy")
    rows = create_demo_accounts()
    assert {User.objects.get(username=u).role for u, _, _ in rows} == set(Role.values)
    assert create_demo_accounts() == rows  # idempotent
    for username, _, _ in rows:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        r = client.get("/dashboard/")
        assert r.status_code == 200 and r.context["user"].username == username
        client.logout()
    yte = User.objects.get(username="yte")
    assert yte.sector.code == "health" and yte.unit.code == "46"
