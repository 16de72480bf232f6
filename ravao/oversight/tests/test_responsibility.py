"""Who answers for a unit or a sector: named by officials of the unit and above (never a
sibling), shown on the dashboard and in the coverage API, with the usual Vietnamese titles."""

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from ravao.catalog.models import Sector
from ravao.core.errors import Forbidden, ServiceError
from ravao.oversight.models import Responsibility
from ravao.oversight.responsibility import responsibility_set
from ravao.oversight.titles import default_title, symbol
from ravao.testing import ApiClient


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_commune_official_names_their_chair_and_the_province_sees_it(small_map, users):
    r = client(users["commune_a"]).post(
        "/oversight/responsible/",
        {"unit": "19753", "person_name": "Nguyễn Văn An", "target_date": "2026-12-31", "commitments": "100 % quét"},
    )
    assert r.status_code == 302
    row = Responsibility.objects.get(unit=small_map.commune_a, sector=None)
    assert (row.person_name, row.target_date) == ("Nguyễn Văn An", date(2026, 12, 31))
    html = client(users["province"]).get("/oversight/", {"unit": "46"}).content.decode()
    assert "Nguyễn Văn An" in html and "Chủ tịch UBND phường Thuận Hóa" in html and "31/12/2026" in html
    doc = ApiClient(users["province"]).get("/coverage", unit="46").json()
    child = next(c for c in doc["children"] if c["unit"]["code"] == "19753")
    assert child["responsible"]["name"] == "Nguyễn Văn An"
    assert child["responsible"]["target_date"] == "2026-12-31"


def test_a_sibling_commune_and_a_sector_official_may_not_name_the_chair(small_map, users):
    r = client(users["commune_b"]).post("/oversight/responsible/", {"unit": "19753", "person_name": "X"})
    assert r.status_code == 404  # a sibling's unit is not in their jurisdiction
    # The health official names the health sector's responsible person in that commune, never its chair.
    r = client(users["health"]).post("/oversight/responsible/", {"unit": "19753", "person_name": "X"})
    assert r.status_code == 302
    assert not Responsibility.objects.filter(sector__isnull=True).exists()
    assert Responsibility.objects.get().sector.code == "health"
    with pytest.raises(Forbidden):
        responsibility_set(by=users["commune_b"], unit=small_map.commune_a, person_name="X")
    with pytest.raises(Forbidden):
        responsibility_set(by=users["health"], unit=small_map.commune_a, person_name="X")


def test_the_health_official_names_the_director_of_the_department_of_health(small_map, users):
    health = Sector.objects.get(code="health")
    r = client(users["health"]).post(
        "/oversight/responsible/", {"unit": "46", "sector": "health", "person_name": "Trần Thị Bình"}
    )
    assert r.status_code == 302
    row = Responsibility.objects.get(unit=small_map.province, sector=health)
    with translation.override("vi"):
        assert default_title(row.unit, row.sector) == "Giám đốc Sở Y tế"
        assert default_title(small_map.province) == "Chủ tịch UBND thành phố Huế"
    with translation.override("en"):
        assert default_title(row.unit, row.sector) == "Director of the Department of Health"
    assert symbol(small_map.province, health) == "BC-SYT" and symbol(small_map.commune_a) == "BC-UBND"
    # The education official cannot touch the health department's row.
    r = client(users["education"]).post(
        "/oversight/responsible/", {"unit": "46", "sector": "health", "person_name": "Y"}
    )
    assert r.status_code == 404  # another sector: not in their jurisdiction
    assert Responsibility.objects.get(pk=row.pk).person_name == "Trần Thị Bình"


def test_setting_it_again_replaces_it_and_bad_input_writes_nothing(small_map, users):
    c = client(users["province"])
    for name in ("A", "B"):
        assert c.post("/oversight/responsible/", {"unit": "19774", "person_name": name}).status_code == 302
    assert list(Responsibility.objects.values_list("person_name", flat=True)) == ["B"]
    r = c.post("/oversight/responsible/", {"unit": "19774", "person_name": "  "})
    assert r.status_code == 400 and "tên" in r.content.decode()
    r = c.post("/oversight/responsible/", {"unit": "19774", "person_name": "C", "target_date": "31/12"})
    assert r.status_code == 400
    assert list(Responsibility.objects.values_list("person_name", flat=True)) == ["B"]
    with pytest.raises(ServiceError):
        responsibility_set(by=None, unit=small_map.commune_b, person_name="D", target_date=date(1999, 1, 1))


def test_the_dashboard_offers_the_link_only_to_those_who_may(small_map, users):
    html = client(users["commune_a"]).get("/oversight/").content.decode()
    assert "/oversight/responsible/" in html
    html = client(users["health"]).get("/oversight/", {"unit": "46"}).content.decode()
    assert "/oversight/responsible/?" in html  # for the health sector of the province
    html = client(users["tracer"]).get("/oversight/responsible/", {"unit": "46"})
    assert html.status_code == 403


def test_the_command_names_the_responsible_person(small_map):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("responsible", "--unit", "46", "--sector", "health", "--name", "Trần Thị Bình", stdout=out)
    assert "Trần Thị Bình" in out.getvalue()
    assert Responsibility.objects.get(unit=small_map.province).sector.code == "health"
    with pytest.raises(CommandError):
        call_command("responsible", "--unit", "46", "--name", " ", stdout=StringIO())
