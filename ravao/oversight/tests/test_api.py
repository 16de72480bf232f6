"""GET /api/v1/coverage: shape, defaults and jurisdiction."""

from datetime import timedelta

from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, brute_force, make_random_data
from ravao.oversight.tests.test_indicators import selectors_now
from ravao.testing import ApiClient

KEYS = {
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


def test_it_defaults_to_the_whole_country_for_a_national_admin(small_map, users, django_assert_max_num_queries):
    make_random_data(small_map, seed=31)
    rollup(now=selectors_now())
    # 12, plus the token's per-request check, the responsible people of the provinces and the
    # stock of the provinces with a population (the national figure counts only those).
    with django_assert_max_num_queries(15):
        r = ApiClient(users["national"]).get("/coverage", to=END_DAY.isoformat(), **{"from": END_DAY.isoformat()})
    body = r.json()
    assert r.status_code == 200 and body["unit"]["level"] == "country"
    assert [c["unit"]["code"] for c in body["children"]] == ["46", "48"]
    assert KEYS <= set(body["indicators"])
    exp = brute_force(unit=None, generation="2025", first=END_DAY, last=END_DAY)
    assert (
        body["indicators"]["scans"] == exp["scans"] and body["indicators"]["unique_visitors"] == exp["unique_visitors"]
    )


def test_it_defaults_to_the_callers_unit(small_map, users):
    r = ApiClient(users["commune_a"]).get("/coverage")
    assert r.status_code == 200 and r.json()["unit"]["code"] == "19753" and r.json()["children"] == []


def test_it_answers_404_outside_the_jurisdiction(small_map, users):
    assert ApiClient(users["commune_a"]).get("/coverage", unit="19774").status_code == 404
    assert ApiClient(users["district_a"]).get("/coverage", unit="476", generation="legacy").status_code == 404
    assert ApiClient(users["district_a"]).get("/coverage", unit="474", generation="legacy").status_code == 200
    assert ApiClient(users["health"]).get("/coverage", unit="46", sector="education").status_code == 404
    assert ApiClient(users["tracer"]).get("/coverage").status_code == 403
    assert ApiClient().get("/coverage").status_code == 401


def test_it_limits_a_sector_official_to_their_sector(small_map, users):
    make_random_data(small_map, seed=32)
    rollup(now=selectors_now())
    first = END_DAY - timedelta(days=9)
    body = (
        ApiClient(users["health"])
        .get("/coverage", unit="46", to=END_DAY.isoformat(), **{"from": first.isoformat()})
        .json()
    )
    assert body["sector"] == "health"
    exp = brute_force(
        unit=small_map.province, generation="2025", sector=users["health"].sector, first=first, last=END_DAY
    )
    assert body["indicators"]["scans"] == exp["scans"] and body["indicators"]["registered"] == exp["registered"]
    assert body["indicators"]["unique_visitors"] == exp["unique_visitors"]


def test_it_rejects_bad_periods(small_map, users):
    c = ApiClient(users["national"])
    assert c.get("/coverage", to="2026-01-01", **{"from": "2026-02-01"}).status_code == 400
    assert c.get("/coverage", **{"from": "yesterday"}).status_code == 422
