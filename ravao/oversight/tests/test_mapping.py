"""Maps that talk: on a deployment whose venues are on the 2025 map, an official of a district
of the old map sees the venues of the 2025 communes that its former communes became part of
(the loaded old→new table), on the dashboard, in the registry and in reports, which say how the
mapping was applied. Jurisdiction stays in accounts/scoping.py (units.models.reach_q)."""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from pypdf import PdfReader

from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, brute_force, make_random_data
from ravao.oversight.tests.test_indicators import selectors_now
from ravao.testing import ApiClient
from ravao.units.models import Unit, UnitMapping
from ravao.venues.models import Venue

PERIOD = {"from": (END_DAY - timedelta(days=6)).isoformat(), "to": END_DAY.isoformat()}


@pytest.fixture
def current_only(small_map):
    """Venues on the 2025 communes only; legacy Phú Thuận and Phú Bình (district 474) became
    Thuận Hóa, legacy Phong Điền (district 476) became Phú Xuân."""
    m = small_map
    for old, new in (
        (m.legacy_commune_a1, m.commune_a),
        (m.legacy_commune_a2, m.commune_a),
        (m.legacy_commune_b1, m.commune_b),
    ):
        UnitMapping.objects.create(old=old, new=new)
    make_random_data(m, seed=5, leaves=[m.commune_a, m.commune_b, m.commune_c])
    rollup(now=selectors_now())
    return m


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_district_of_the_old_map_sees_the_venues_of_its_former_communes(current_only, users):
    m = current_only
    mine = set(Venue.objects.restrict(users["district_a"]).values_list("unit_id", flat=True))
    assert mine == {m.commune_a.pk}
    assert set(Venue.objects.restrict(users["district_b"]).values_list("unit_id", flat=True)) == {m.commune_b.pk}
    assert set(Unit.objects.restrict(users["district_a"]).filter(generation="2025")) == {m.commune_a}
    html = client(users["district_a"]).get("/venues/").content.decode()
    names = set(Venue.objects.filter(unit=m.commune_a).values_list("name", flat=True))
    other = set(Venue.objects.filter(unit=m.commune_b).values_list("name", flat=True))
    assert any(n in html for n in names) and not any(re.search(rf">{re.escape(n)}<", html) for n in other)


def test_the_district_dashboard_shows_the_figures_of_the_current_communes(current_only, users):
    m = current_only
    expected = brute_force(unit=m.commune_a, generation="2025", first=END_DAY - timedelta(days=6), last=END_DAY)
    c = client(users["district_a"])
    html = c.get("/oversight/", {**PERIOD, "lang": "en"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'data-key="registered"><span class="value">' + str(expected["registered"]) + "<", html)
    assert re.search(r'data-key="scans"><span class="value">' + f"{expected['scans']:,}" + "<", html)
    # Its child is the 2025 commune, linked on the 2025 map, and drilling down shows its venues.
    assert "Phường Thuận Hóa" in html and "generation=2025" in html and "unit=19753" in html
    r = c.get("/oversight/", {"unit": "19753", "generation": "2025", **PERIOD})
    assert r.status_code == 200
    assert Venue.objects.filter(unit=m.commune_a).first().name in r.content.decode()
    # Not the other district's commune.
    assert c.get("/oversight/", {"unit": "19774", "generation": "2025", **PERIOD}).status_code == 404


def test_the_district_report_says_how_the_mapping_was_applied(current_only, users):
    r = client(users["district_a"]).get("/oversight/report/", {**PERIOD, "format": "pdf"})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages).split())
    assert "bảng chuyển đổi" in text and "Phường Thuận Hóa" in text
    assert "Kính gửi: Chủ tịch UBND tỉnh Thừa Thiên Huế" in text


def test_with_venues_on_the_old_map_nothing_is_mapped(small_map, users):
    UnitMapping.objects.create(old=small_map.legacy_commune_a1, new=small_map.commune_a)
    make_random_data(small_map, seed=6)  # venues on both maps
    rollup(now=selectors_now())
    expected = brute_force(
        unit=small_map.district_a, generation="legacy", first=END_DAY - timedelta(days=6), last=END_DAY
    )
    doc = ApiClient(users["district_a"]).get("/coverage", **PERIOD).json()
    assert doc["indicators"]["registered"] == expected["registered"] and doc["mapping"] is None
    assert {c["unit"]["generation"] for c in doc["children"]} == {"legacy"}
