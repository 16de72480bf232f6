"""On a real cluster: the read-heavy work reads from the streaming replica — tracing pages and
API, exports, dashboards, coverage, reports — and every write (audit entries, the check-in)
reaches the primary only. ``make test-cluster`` runs these; elsewhere they skip in one line."""

from datetime import timedelta

from ravao.core.tests.clusterlib import require_cluster

require_cluster()

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from ravao.core import dbrouting  # noqa: E402
from ravao.core.tests.clusterlib import (  # noqa: E402
    pytestmark,  # noqa: F401 - the module's marks
    reset_stats,
    touching,
    wait_replayed,
    writes,
)
from ravao.oversight.rollup import rollup  # noqa: E402
from ravao.oversight.tests.factories import END_DAY, make_random_data  # noqa: E402
from ravao.oversight.tests.test_indicators import selectors_now  # noqa: E402
from ravao.testing import ApiClient  # noqa: E402
from ravao.tracing.models import Case  # noqa: E402
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world  # noqa: E402

H = timedelta(hours=1)
VISITS = "checkins_visit"
PERIOD = {"from": (END_DAY - timedelta(days=6)).isoformat(), "to": END_DAY.isoformat()}


@pytest.fixture(autouse=True)
def fresh_checks(settings):
    settings.RAVAO_REPLICA_CHECK_SECONDS = 0  # every block measures the lag now
    dbrouting.forget_health()


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def case(small_map, users):
    cafe = make_world(small_map.commune_a)[0][0]
    ca = make_person("Nguyễn Văn Ca", phone="0912345678", unit=small_map.commune_a)
    make_visit(ca, cafe, BASE, 60)
    make_visit(make_person("Trần Thị Gần", phone="0987654321"), cafe, BASE + 0.5 * H, 60)
    case = Case.objects.create(
        person=ca,
        unit=small_map.commune_a,
        infectious_from=BASE - 24 * H,
        infectious_to=BASE + 24 * H,
        created_by=users["tracer"],
    )
    wait_replayed()
    return case


def assert_read_on_replica(table: str):
    on_replica, on_primary = touching("replica", table), touching("primary", table)
    assert on_replica, f"no read of {table} reached the replica"
    assert not on_primary, f"reads of {table} reached the primary: {on_primary[:3]}"
    assert not writes("replica")


def test_the_contact_list_page_reads_visits_on_the_replica_and_audits_on_the_primary(case, users):
    client = login(users["tracer"])
    reset_stats()
    r = client.get(f"/tracing/cases/{case.pk}/contacts/", {"lang": "en"})
    assert r.status_code == 200 and "Trần Thị Gần" in r.content.decode()
    assert_read_on_replica(VISITS)
    assert any("audit_auditentry" in q for q in writes("primary"))
    assert 'id="read-freshness"' in r.content.decode()


def test_the_contacts_api_and_f2_read_on_the_replica(case, users):
    api = ApiClient(users["tracer"])
    reset_stats()
    r = api.get(f"/cases/{case.pk}/contacts", degree=2)
    assert r.status_code == 200 and r.json()["contacts"]
    assert_read_on_replica(VISITS)


def test_exports_read_on_the_replica(case, users):
    client = login(users["tracer"])
    for fmt in ("csv", "xlsx", "json"):
        reset_stats()
        r = client.get(f"/tracing/cases/{case.pk}/export.{fmt}", {"degree": 2})
        assert r.status_code == 200 and b"".join(r.streaming_content)
        assert_read_on_replica(VISITS)
        assert any("audit_auditentry" in q for q in writes("primary"))


def test_a_page_right_after_a_change_reads_from_the_primary(case, users):
    client = login(users["tracer"])
    r = client.post(f"/tracing/cases/{case.pk}/contacts/{case.person_id + 1}/mark/", {"reached": "1", "degree": 1})
    assert r.status_code == 302 and dbrouting.PIN_COOKIE in r.cookies
    reset_stats()
    assert client.get(f"/tracing/cases/{case.pk}/contacts/").status_code == 200
    assert touching("primary", VISITS) and not touching("replica", VISITS)


@pytest.fixture
def figures(small_map):
    make_random_data(small_map, seed=11)
    rollup(now=selectors_now())
    wait_replayed()
    return small_map


@pytest.mark.parametrize("path", ["/oversight/", "/oversight/sectors/"])
def test_dashboards_read_the_aggregates_on_the_replica(figures, users, path):
    client = login(users["province"])
    reset_stats()
    r = client.get(path, {"unit": "46", **PERIOD})
    assert r.status_code == 200
    assert_read_on_replica("oversight_unitday")


def test_coverage_and_report_api_read_on_the_replica(figures, users):
    api = ApiClient(users["province"])
    for path, params in (
        ("/coverage", {"unit": "46", **PERIOD}),
        ("/coverage/trend", PERIOD),
        ("/reports/progress", {"format": "xlsx", **PERIOD}),
    ):
        reset_stats()
        assert api.get(path, **params).status_code == 200, path
        assert_read_on_replica("oversight_unitday")


def test_a_check_in_inside_a_replica_block_writes_on_the_primary(figures):
    from ravao.checkins.models import Visit
    from ravao.checkins.tests.conftest import checkin_payload, make_venue

    venue = make_venue(figures.commune_a)
    reset_stats()
    with dbrouting.reading_from_replica() as block:
        assert block.on_replica
        r = ApiClient().post("/checkins", checkin_payload(venue.code))
        assert r.status_code == 201, r.content
    assert any(VISITS in q for q in writes("primary")) and not writes("replica")
    wait_replayed()
    with dbrouting.reading_from_replica():
        assert Visit.objects.filter(pk=r.json()["id"]).exists()  # replayed, read on the replica
    assert touching("replica", VISITS)
