"""Sector structures: venues belong to organisations (an enterprise inside an industrial zone);
a department's dashboard lists its organisations and which lag; scoping by area and sector."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ravao.catalog.models import Sector
from ravao.core.errors import Forbidden, ServiceError
from ravao.organisations.models import Organisation
from ravao.organisations.services import organisation_create, venue_set_organisation
from ravao.oversight import selectors
from ravao.oversight.models import VenueDay
from ravao.oversight.organisations import organisation_rows
from ravao.oversight.rollup import local_day
from ravao.testing import make_user
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def zone(small_map, users):
    board = make_user("kcn", "sector_official", small_map.province, "industrial")
    zone = organisation_create(by=board, name="Khu công nghiệp Phú Bài", kind="industrial_zone")
    textile = organisation_create(by=board, name="Công ty Dệt may", kind="enterprise", parent=zone)
    beer = organisation_create(by=board, name="Công ty Bia", kind="enterprise", parent=zone)
    today = local_day(timezone.now())
    venues = {}
    for org, name in ((textile, "Xưởng dệt"), (textile, "Xưởng may"), (beer, "Nhà máy bia")):
        venues[name] = make_venue(small_map.commune_a, name, "factory")
        venue_set_organisation(by=board, venue=venues[name], organisation=org)
    for name in ("Xưởng dệt", "Xưởng may"):
        v = venues[name]
        VenueDay.objects.create(venue=v, day=today - timedelta(days=2), unit=v.unit, sector=v.sector, scans=5)
    return board, zone, textile, beer, venues, today


def test_an_enterprise_inside_an_industrial_zone_takes_the_industrial_sector(zone):
    board, z, textile, _beer, _venues, _today = zone
    assert textile.parent == z and textile.sector.code == "industrial" and z.unit == board.unit
    assert organisation_create(by=board, name="Công ty Dệt may", kind="enterprise", parent=z) == textile  # retried
    with pytest.raises(Forbidden):
        organisation_create(by=board, name="Bệnh viện", kind="hospital_group")


def test_the_department_sees_which_organisations_lag(zone):
    board, z, textile, beer, _venues, today = zone
    scope = selectors.Scope(unit=board.unit, sector=board.sector, first=today, last=today, generation="2025")
    rows = {r["organisation"].pk: r for r in organisation_rows(user=board, scope=scope)}
    assert (rows[textile.pk]["venues"], rows[textile.pk]["active_7d"], rows[textile.pk]["lagging"]) == (2, 2, False)
    assert (rows[beer.pk]["venues"], rows[beer.pk]["active_7d"], rows[beer.pk]["lagging"]) == (1, 0, True)
    # The zone counts its enterprises' venues: 2 of 3 active, below 80 %.
    assert (rows[z.pk]["venues"], rows[z.pk]["active_7d"], rows[z.pk]["lagging"]) == (3, 2, True)
    html = login(board).get("/oversight/", {"lang": "vi"}).content.decode()
    assert 'id="organisations"' in html and "Công ty Bia" in html
    html = login(board).get("/oversight/sectors/").content.decode()
    assert "Khu công nghiệp Phú Bài" in html


def test_other_departments_and_other_provinces_do_not_see_them(zone, users, small_map):
    board, z, *_rest = zone
    health_scope = selectors.Scope(
        unit=small_map.province,
        sector=Sector.objects.get(code="health"),
        first=zone[5],
        last=zone[5],
        generation="2025",
    )
    assert organisation_rows(user=users["health"], scope=health_scope) == []
    assert not Organisation.objects.restrict(users["health"]).filter(pk=z.pk).exists()
    assert not Organisation.objects.restrict(users["other_province"]).filter(pk=z.pk).exists()
    assert Organisation.objects.restrict(users["commune_a"]).filter(pk=z.pk).exists()  # a province's, seen below
    assert Organisation.objects.restrict(users["other_province"]).filter(code="doan_tn").exists()


def test_officials_add_organisations_and_place_venues_on_the_page(small_map, users):
    c = login(users["province"])
    r = c.post("/organisations/", {"name": "Công ty CP Xe khách Huế", "kind": "transport_operator"})
    assert r.status_code == 302
    operator = Organisation.objects.get(name="Công ty CP Xe khách Huế")
    assert operator.sector.code == "transport" and operator.unit == small_map.province
    venue = make_venue(small_map.commune_a, "Bến xe phía Nam", "bus_station")
    c.post("/organisations/", {"action": "place", "venue": venue.code, "organisation": operator.pk})
    venue.refresh_from_db()
    assert venue.organisation == operator
    html = c.get("/organisations/").content.decode()
    assert "Công ty CP Xe khách Huế" in html
    # Another province's official cannot place it (the venue is outside their area).
    with pytest.raises(ServiceError):
        venue_set_organisation(by=users["other_province"], venue=venue, organisation=None)
    assert login(users["manager"]).get("/organisations/").status_code == 403


def test_sibling_communes_see_their_own_organisations_only(small_map, users):
    login(users["commune_a"]).post("/organisations/", {"name": "Đội thanh niên tình nguyện phường", "kind": "other"})
    org = Organisation.objects.get(name="Đội thanh niên tình nguyện phường")
    assert org.unit == small_map.commune_a
    assert "Đội thanh niên tình nguyện" in login(users["commune_a"]).get("/organisations/").content.decode()
    assert "Đội thanh niên tình nguyện" not in login(users["commune_b"]).get("/organisations/").content.decode()
    assert "Đội thanh niên tình nguyện" in login(users["province"]).get("/organisations/").content.decode()
