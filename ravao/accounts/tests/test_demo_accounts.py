import pytest

from ravao.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from ravao.accounts.models import Role, User
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


def test_the_demo_gives_the_demo_province_a_population_only_where_none_is_known(small_map):
    from ravao.units.demo import demo

    small_map.commune_b.population = None
    small_map.commune_b.save()
    line = demo(province=small_map.province, users={}, stdout=None)
    small_map.commune_b.refresh_from_db()
    small_map.province.refresh_from_db()
    assert 8_000 <= small_map.commune_b.population < 40_000
    assert small_map.province.population == 100_000 + small_map.commune_b.population
    assert "1 communes" in line
    assert demo(province=small_map.province, users={}, stdout=None) is None
