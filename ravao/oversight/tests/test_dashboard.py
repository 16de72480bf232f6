"""The dashboard pages show the brute-force figures, drill down, highlight lagging units, and
stay within the jurisdiction."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from ravao.oversight.reports import fmt_value
from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, brute_force, make_random_data
from ravao.oversight.tests.test_indicators import selectors_now

PERIOD = {"from": (END_DAY - timedelta(days=6)).isoformat(), "to": END_DAY.isoformat()}


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def figure(html: str, key: str) -> str:
    m = re.search(rf'data-key="{key}"><span class="value">([^<]*)</span>', html)
    assert m, key
    return m.group(1)


@pytest.fixture
def data(small_map, users):
    make_random_data(small_map, seed=11)
    rollup(now=selectors_now())
    return small_map


def test_it_shows_the_brute_force_figures_on_the_page(data, users, django_assert_max_num_queries):
    c = login(users["province"])
    with django_assert_max_num_queries(25):
        r = c.get("/oversight/", {"unit": "46", **PERIOD, "lang": "en"})
    assert r.status_code == 200
    html = r.content.decode()
    expected = brute_force(unit=data.province, generation="2025", first=END_DAY - timedelta(days=6), last=END_DAY)
    for key in [
        "registered",
        "active_24h",
        "active_7d",
        "scans",
        "unique_visitors",
        "targets",
        "targets_registered",
        "targets_active",
        "suspended",
        "unverified",
    ]:
        assert figure(html, key) == fmt_value(key, expected[key]), key
    # Drill-down links to both communes, and the trend data for the chart.
    assert "unit=19753" in html and "unit=19774" in html
    assert 'id="trend-data"' in html


def test_it_drills_down_to_the_venue_list_and_a_venue(data, users):
    c = login(users["province"])
    r = c.get("/oversight/", {"unit": "19753", **PERIOD})
    html = r.content.decode()
    assert 'id="venues"' in html
    codes = re.findall(r"/oversight/venue/([A-Z0-9]+)/", html)
    assert codes
    r = c.get(f"/oversight/venue/{codes[0]}/")
    assert r.status_code == 200 and 'id="venue-days"' in r.content.decode()


def test_it_highlights_lagging_children(data, users):
    # Phường Thuận Hóa has 100,000 residents: a handful of venues is far below 1 per 100.
    r = login(users["province"]).get("/oversight/", {"unit": "46", **PERIOD})
    html = r.content.decode()
    assert re.search(r'<tr class="lagging" data-code="19753">', html)


def test_it_sorts_the_child_table(data, users):
    c = login(users["national"])
    asc = c.get("/oversight/", {"unit": "46", **PERIOD, "sort": "population", "dir": "asc"}).content.decode()
    desc = c.get("/oversight/", {"unit": "46", **PERIOD, "sort": "population", "dir": "desc"}).content.decode()
    order = lambda html: re.findall(r'data-code="(\d+)"', html)  # noqa: E731
    assert order(asc) == ["19774", "19753"] and order(desc) == ["19753", "19774"]


def test_it_serves_the_country_to_a_national_admin_and_the_legacy_tree(data, users):
    c = login(users["national"])
    html = c.get("/oversight/", PERIOD).content.decode()
    assert 'data-code="46"' in html and 'data-code="48"' in html
    html = c.get("/oversight/", {"generation": "legacy", "unit": "46", **PERIOD}).content.decode()
    assert 'data-code="474"' in html and 'data-code="476"' in html


def test_it_keeps_officials_within_their_jurisdiction(data, users):
    # A district official cannot see another district; a commune official not the sibling commune.
    assert login(users["district_a"]).get("/oversight/", {"generation": "legacy", "unit": "476"}).status_code == 404
    assert login(users["district_a"]).get("/oversight/", {"generation": "legacy", "unit": "474"}).status_code == 200
    assert login(users["commune_a"]).get("/oversight/", {"unit": "19774"}).status_code == 404
    assert login(users["other_province"]).get("/oversight/", {"unit": "46"}).status_code == 404
    # Venue staff and tracers have no dashboard.
    assert login(users["manager"]).get("/oversight/").status_code == 403


def test_it_shows_a_sector_official_only_their_sector(data, users):
    c = login(users["health"])
    html = c.get("/oversight/", {"unit": "46", **PERIOD}).content.decode()
    expected = brute_force(
        unit=data.province,
        generation="2025",
        sector=users["health"].sector,
        first=END_DAY - timedelta(days=6),
        last=END_DAY,
    )
    assert figure(html, "registered") == fmt_value("registered", expected["registered"])
    assert figure(html, "scans") == fmt_value("scans", expected["scans"])
    assert c.get("/oversight/", {"unit": "46", "sector": "education"}).status_code == 404
    r = c.get("/oversight/sectors/", {"unit": "46", **PERIOD})
    assert r.status_code == 200
    assert r.content.decode().count("<tr class=") == 1  # only the health row


def test_it_draws_the_map_from_unit_coordinates(data, users):
    data.commune_a.latitude, data.commune_a.longitude = 16.46, 107.59
    data.commune_a.save()
    data.commune_b.latitude, data.commune_b.longitude = 16.47, 107.57
    data.commune_b.save()
    html = login(users["province"]).get("/oversight/", {"unit": "46", **PERIOD}).content.decode()
    assert html.count("<circle ") == 2 and "dot-red" in html
    assert "0,5–1" in html  # the legend in the page's language (Vietnamese: decimal comma)
    english = login(users["province"])
    english.cookies["django_language"] = "en"
    assert "0.5–1" in english.get("/oversight/", {"unit": "46", **PERIOD}).content.decode()


def test_it_shows_a_venue_manager_their_own_venue_figures_only(data, users):
    from ravao.checkins.models import Visit
    from ravao.oversight.tests.factories import local_day
    from ravao.venues.models import MembershipRole, Venue, VenueMembership

    scanned = Visit.objects.values_list("venue_id", flat=True).distinct()
    mine = Venue.objects.filter(pk__in=scanned).order_by("pk").first()
    other = Venue.objects.exclude(pk=mine.pk).first()
    VenueMembership.objects.create(venue=mine, user=users["manager"], role=MembershipRole.MANAGER)
    c = login(users["manager"])
    r = c.get(f"/oversight/venue/{mine.code}/")
    assert r.status_code == 200
    days = {local_day(t) for t in Visit.objects.filter(venue=mine).values_list("checked_in_at", flat=True)}
    body = r.content.decode().split('id="venue-days"')[1].split("</table>")[0]
    assert body.count("<tr>") == 1 + len(days)  # header + one row per day with scans
    assert c.get(f"/oversight/venue/{other.code}/").status_code == 404


def test_the_page_opens_on_the_last_seven_days(small_map, users):
    from django.utils import timezone

    from ravao.oversight.rollup import local_day

    r = login(users["province"]).get("/oversight/")
    assert r.status_code == 200
    today = local_day(timezone.now())
    html = r.content.decode()
    assert f'value="{(today - timedelta(days=6)).isoformat()}"' in html and f'value="{today.isoformat()}"' in html
