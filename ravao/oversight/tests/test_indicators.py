"""Every indicator, computed by brute force over random data, equals the dashboard and API
figures; counts that add up do add up (children sum to the parent), in both generations."""

from datetime import timedelta

import pytest

from ravao.catalog.models import Sector
from ravao.oversight import selectors
from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, brute_force, make_random_data
from ravao.testing import ApiClient
from ravao.units.models import Unit

ADDITIVE = [
    "registered",
    "suspended",
    "unverified",
    "scans",
    "active_24h",
    "active_7d",
    "targets",
    "targets_registered",
    "targets_active",
]
COMPARED = ADDITIVE + ["unique_visitors", "population", "points_per_100_residents", "venues_by_type"]

PERIODS = [
    (END_DAY, END_DAY),
    (END_DAY - timedelta(days=6), END_DAY),
    (END_DAY - timedelta(days=9), END_DAY - timedelta(days=2)),
]


def check(user, unit, generation, first, last, sector=None, sums=True):
    scope = selectors.Scope(unit=unit, sector=sector, first=first, last=last, generation=generation)
    doc = selectors.coverage(user=user, scope=scope)
    expected = brute_force(unit=unit, generation=generation, sector=sector, first=first, last=last)
    got = {k: doc["indicators"][k] for k in COMPARED}
    assert got == expected, (unit, sector, first, last)
    for child in doc["children"]:
        from ravao.units.models import Unit

        cu = Unit.objects.get(generation=generation, code=child["unit"]["code"])
        exp = brute_force(unit=cu, generation=generation, sector=sector, first=first, last=last)
        assert {k: child["indicators"][k] for k in COMPARED} == exp, (cu, sector, first, last)
    if doc["children"] and sums:
        for key in ADDITIVE:
            assert sum(c["indicators"][key] for c in doc["children"]) == doc["indicators"][key], key
        by_type = {}
        for c in doc["children"]:
            for code, n in c["indicators"]["venues_by_type"].items():
                by_type[code] = by_type.get(code, 0) + n
        assert {k: n for k, n in by_type.items() if n} == {
            k: n for k, n in doc["indicators"]["venues_by_type"].items() if n
        }
    return doc


@pytest.mark.parametrize("seed", [1, 2])
def test_it_matches_brute_force_in_both_generations(small_map, users, seed):
    make_random_data(small_map, seed=seed)
    rollup(now=selectors_now())
    m = small_map
    national = users["national"]
    health = Sector.objects.get(code="health")
    for first, last in PERIODS:
        for sector in (None, health):
            check(national, None, "2025", first, last, sector)
            check(national, m.province, "2025", first, last, sector)
            check(national, m.commune_a, "2025", first, last, sector)
            check(national, None, "legacy", first, last, sector)
            check(national, m.legacy_province, "legacy", first, last, sector)
            check(national, m.district_a, "legacy", first, last, sector)


def selectors_now():
    from datetime import datetime, time

    from ravao.oversight.tests.factories import tz

    return datetime.combine(END_DAY + timedelta(days=1), time(9), tzinfo=tz())


def test_it_rerolls_idempotently_and_picks_up_late_visits(small_map, users):
    make_random_data(small_map, seed=3)
    now = selectors_now()
    rollup(now=now)
    rollup(now=now + timedelta(minutes=1))  # a second run changes nothing
    check(users["national"], small_map.province, "2025", END_DAY - timedelta(days=9), END_DAY)
    # A late upload from an offline gate: a visit from days ago, arriving now.
    make_random_data(small_map, seed=4, venues=3, people=3, visits=20, targets=0)
    rollup(now=now + timedelta(minutes=2))
    check(users["national"], small_map.province, "2025", END_DAY - timedelta(days=9), END_DAY)
    check(users["national"], small_map.legacy_province, "legacy", END_DAY - timedelta(days=9), END_DAY)


def test_it_serves_the_same_figures_over_the_api(small_map, users):
    make_random_data(small_map, seed=5)
    rollup(now=selectors_now())
    first = END_DAY - timedelta(days=6)
    r = ApiClient(users["province"]).get(
        "/coverage", unit="46", **{"from": first.isoformat(), "to": END_DAY.isoformat()}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["unit"] == {
        "code": "46",
        "name": small_map.province.name,
        "level": "province",
        "generation": "2025",
        "latitude": None,
        "longitude": None,
    }
    expected = brute_force(unit=small_map.province, generation="2025", first=first, last=END_DAY)
    assert {k: body["indicators"][k] for k in COMPARED} == expected
    assert [c["unit"]["code"] for c in body["children"]] == ["19774", "19753"]  # by name
    for c in body["children"]:
        assert set(c["indicators"]) >= {
            "registered",
            "active_24h",
            "active_7d",
            "scans",
            "unique_visitors",
            "population",
            "points_per_100_residents",
            "targets",
            "targets_registered",
            "targets_active",
        }
        child = Unit.objects.get(generation="2025", code=c["unit"]["code"])
        assert {k: c["indicators"][k] for k in COMPARED} == brute_force(
            unit=child, generation="2025", first=first, last=END_DAY
        )
    for key in ADDITIVE:
        assert sum(c["indicators"][key] for c in body["children"]) == body["indicators"][key], key
    # The three-tier (legacy) tree over the API: the district and its communes.
    r = ApiClient(users["national"]).get(
        "/coverage",
        unit=small_map.district_a.code,
        generation="legacy",
        **{"from": first.isoformat(), "to": END_DAY.isoformat()},
    )
    assert r.status_code == 200, r.content
    legacy = r.json()
    assert {k: legacy["indicators"][k] for k in COMPARED} == brute_force(
        unit=small_map.district_a, generation="legacy", first=first, last=END_DAY
    )
    assert legacy["children"] and all(
        {k: c["indicators"][k] for k in COMPARED}
        == brute_force(
            unit=Unit.objects.get(generation="legacy", code=c["unit"]["code"]),
            generation="legacy",
            first=first,
            last=END_DAY,
        )
        for c in legacy["children"]
    )


def test_it_counts_the_seven_day_windows_once_a_day_and_keeps_them_exact(small_map, users):
    from ravao.oversight.models import RangeVisitors
    from ravao.oversight.tests.factories import add_visits
    from ravao.people.models import Person

    venues = make_random_data(small_map, seed=6)
    now = selectors_now()
    rollup(now=now)
    today = END_DAY + timedelta(days=1)
    for last in (END_DAY, today):
        window = RangeVisitors.objects.filter(window=True, first_day=last - timedelta(days=6), last_day=last)
        exp = brute_force(unit=small_map.province, generation="2025", first=last - timedelta(days=6), last=last)
        assert window.get(unit=small_map.province, sector=None).visitors == exp["unique_visitors"]
    stamp = RangeVisitors.objects.filter(window=True).order_by("computed_at").first().computed_at
    # Later visits (today, and late ones for yesterday) are added to the windows at once.
    add_visits(seed=61, venues=venues, persons=list(Person.objects.all()), visits=40, first_day=END_DAY, last_day=today)
    rollup(now=now + timedelta(minutes=1))
    assert RangeVisitors.objects.filter(window=True, computed_at__lt=stamp).count() == 0  # not counted again
    for last in (END_DAY, today):
        window = RangeVisitors.objects.filter(window=True, first_day=last - timedelta(days=6), last_day=last)
        assert window.filter(computed_at=stamp).exists()
        for unit, gen in ((small_map.province, "2025"), (None, "2025"), (small_map.legacy_province, "legacy")):
            exp = brute_force(unit=unit, generation=gen, first=last - timedelta(days=6), last=last)
            assert window.get(unit=unit, generation=gen, sector=None).visitors == exp["unique_visitors"]


def test_it_stays_exact_when_a_venue_hangs_on_a_unit_with_units_below(small_map, users):
    from ravao.venues.models import Venue

    venues = make_random_data(small_map, seed=7)
    Venue.objects.filter(pk=venues[0].pk).update(unit=small_map.district_a)  # not the lowest level
    rollup(now=selectors_now())
    for first, last in PERIODS:
        # Each unit's figures stay exact; the children no longer add up (a venue sits on the
        # district itself, in none of its communes).
        check(users["national"], small_map.legacy_province, "legacy", first, last, sums=False)
        check(users["national"], small_map.district_a, "legacy", first, last, sums=False)
