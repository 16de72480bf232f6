"""Unique visitors over a range that is too large to count on a page view: the API and the
pages answer at once with every other figure and say the count is pending; the next rollup run
counts it (exactly), later runs keep it exact; reports count it before writing the file."""

import io
from datetime import timedelta

from django.test import Client
from openpyxl import load_workbook

from ravao.oversight.models import RangeVisitors
from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, add_visits, brute_force, make_random_data
from ravao.oversight.tests.test_dashboard import figure
from ravao.oversight.tests.test_indicators import COMPARED, selectors_now
from ravao.people.models import Person
from ravao.testing import ApiClient

FIRST = END_DAY - timedelta(days=8)  # not a 7-day window: nothing stored ahead
PARAMS = {"unit": "46", "from": FIRST.isoformat(), "to": END_DAY.isoformat()}


def exact(body, small_map) -> None:
    expected = brute_force(unit=small_map.province, generation="2025", first=FIRST, last=END_DAY)
    assert {k: body["indicators"][k] for k in COMPARED} == expected
    assert body["indicators"]["unique_visitors_pending"] is False
    for child in body["children"]:
        unit = small_map.commune_a if child["unit"]["code"] == small_map.commune_a.code else small_map.commune_b
        exp = brute_force(unit=unit, generation="2025", first=FIRST, last=END_DAY)
        assert child["indicators"]["unique_visitors"] == exp["unique_visitors"]


def test_a_large_range_is_pending_then_counted_by_the_rollup_and_kept_exact(small_map, users, settings):
    settings.RAVAO_RANGE_SYNC_MAX = 0  # every multi-day range counts as large
    venues = make_random_data(small_map, seed=31)
    now = selectors_now()
    rollup(now=now)
    api = ApiClient(users["province"])
    body = api.get("/coverage", **PARAMS).json()
    ind = body["indicators"]
    assert ind["unique_visitors"] is None and ind["unique_visitors_pending"] is True
    expected = brute_force(unit=small_map.province, generation="2025", first=FIRST, last=END_DAY)
    assert ind["scans"] == expected["scans"] and ind["active_7d"] == expected["active_7d"]  # the rest at once
    assert all(c["indicators"]["unique_visitors_pending"] for c in body["children"])
    page = Client()
    page.force_login(users["province"])
    html = page.get("/oversight/", {**PARAMS, "lang": "en"}).content.decode()
    assert 'id="counting"' in html
    assert figure(html, "unique_visitors") in ("counting…", "đang đếm…")  # in the page's language
    api.get("/coverage", **PARAMS)  # asked twice: counted once
    rollup(now=now + timedelta(minutes=1))
    assert RangeVisitors.objects.filter(first_day=FIRST, last_day=END_DAY, unit=small_map.province).count() == 1
    exact(api.get("/coverage", **PARAMS).json(), small_map)
    assert 'id="counting"' not in page.get("/oversight/", {**PARAMS, "lang": "en"}).content.decode()
    # More visits, late ones in the range included: the stored count follows, run after run.
    for k in range(2):
        add_visits(
            seed=310 + k,
            venues=venues,
            persons=list(Person.objects.all()),
            visits=40,
            first_day=FIRST,
            last_day=END_DAY + timedelta(days=1),
        )
        rollup(now=now + timedelta(minutes=2 + k))
        exact(api.get("/coverage", **PARAMS).json(), small_map)


def test_a_report_counts_a_pending_range_before_writing_the_file(small_map, users, settings):
    settings.RAVAO_RANGE_SYNC_MAX = 0
    make_random_data(small_map, seed=32)
    rollup(now=selectors_now())
    r = ApiClient(users["province"]).get("/reports/progress", format="xlsx", lang="en", **PARAMS)
    assert r.status_code == 200
    sheet = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(r.content))["Indicators"].iter_rows(values_only=True)
        if row and row[0]
    }
    expected = brute_force(unit=small_map.province, generation="2025", first=FIRST, last=END_DAY)
    assert sheet["Unique visitors"] == expected["unique_visitors"]
