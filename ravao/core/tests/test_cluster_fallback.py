"""On a real cluster: when the replica lags more than ``RAVAO_REPLICA_MAX_LAG_SECONDS`` or is
lost — before a request or in the middle of a read — reads go to the primary, pages answer and
say so, and reads return to the replica once it is back."""

import time
from datetime import timedelta

from ravao.core.tests.clusterlib import require_cluster

require_cluster()

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from ravao.core import dbrouting  # noqa: E402
from ravao.core.tests.clusterlib import (  # noqa: E402
    admin,
    pg_ctl,
    pytestmark,  # noqa: F401 - the module's marks
    reset_stats,
    touching,
    wait_replayed,
    wait_streaming,
)
from ravao.oversight import selectors  # noqa: E402
from ravao.oversight.rollup import rollup  # noqa: E402
from ravao.oversight.tests.factories import END_DAY, make_random_data  # noqa: E402
from ravao.oversight.tests.test_indicators import selectors_now  # noqa: E402
from ravao.people.models import Person  # noqa: E402
from ravao.tracing.models import Case  # noqa: E402
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world  # noqa: E402

PERIOD = {"from": (END_DAY - timedelta(days=6)).isoformat(), "to": END_DAY.isoformat()}
UNIT_DAY = "oversight_unitday"


@pytest.fixture(autouse=True)
def fresh_checks(settings):
    settings.RAVAO_REPLICA_CHECK_SECONDS = 0
    settings.RAVAO_REPLICA_MAX_LAG_SECONDS = 1
    dbrouting.forget_health()
    yield
    dbrouting.forget_health()


@pytest.fixture
def figures(small_map, users):
    make_random_data(small_map, seed=5, visits=100)
    rollup(now=selectors_now())
    wait_replayed()
    client = Client()
    client.force_login(users["province"])
    return client


@pytest.fixture
def replica_back():
    """Whatever a test did to the replica, it streams and has caught up afterwards."""
    yield
    with admin("replica") as r:
        if r.execute("SELECT pg_is_wal_replay_paused()").fetchone()[0]:
            r.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def replica_restarted():
    yield
    try:
        pg_ctl("replica", "status")
    except Exception:
        pg_ctl("replica", "start")
    wait_streaming()
    wait_replayed(timeout=30)
    dbrouting.forget_health()


def dashboard(client) -> tuple[int, str]:
    r = client.get("/oversight/", {"unit": "46", **PERIOD}, HTTP_ACCEPT_LANGUAGE="en")
    return r.status_code, r.content.decode()


def test_a_lagging_replica_sends_reads_to_the_primary_and_the_page_says_so(figures, replica_back):
    with admin("replica") as r:
        r.execute("SELECT pg_wal_replay_pause()")
    Person.objects.create(full_name="written while the replica does not replay")
    time.sleep(1.6)
    lag = dbrouting.replica_lag(fresh=True)
    assert lag is not None and lag > 1
    reset_stats()
    status, html = dashboard(figures)
    assert status == 200 and "s behind: figures read from the primary" in html
    lag_line = next(
        line
        for line in Client().get("/metrics").content.decode().splitlines()
        if line.startswith("ravao_replica_lag_seconds{")
    )
    assert float(lag_line.split()[-1]) > 1
    assert touching("primary", UNIT_DAY) and not touching("replica", UNIT_DAY)

    with admin("replica") as r:
        r.execute("SELECT pg_wal_replay_resume()")
    wait_replayed()
    assert dbrouting.replica_lag(fresh=True) == 0
    reset_stats()
    status, html = dashboard(figures)
    assert status == 200 and "Read from a replica 0 s behind the primary." in html
    metrics = Client().get("/metrics").content.decode()
    assert 'ravao_replica_up{replica="replica"} 1.0' in metrics
    assert 'ravao_replica_lag_seconds{replica="replica"} 0.0' in metrics
    assert touching("replica", UNIT_DAY) and not touching("primary", UNIT_DAY)


def test_a_lost_replica_sends_reads_to_the_primary_quickly_until_it_is_back(
    figures, small_map, users, replica_restarted
):
    cafe = make_world(small_map.commune_a)[0][0]
    ca = make_person("Ca", phone="0912345678", unit=small_map.commune_a)
    make_visit(ca, cafe, BASE, 60)
    make_visit(make_person("Gần", phone="0987654321"), cafe, BASE, 60)
    case = Case.objects.create(
        person=ca,
        unit=small_map.commune_a,
        infectious_from=BASE - timedelta(days=1),
        infectious_to=BASE + timedelta(days=1),
        created_by=users["tracer"],
    )
    pg_ctl("replica", "stop", "-m", "fast")
    reset_stats()
    started = time.monotonic()
    status, html = dashboard(figures)
    assert time.monotonic() - started < 5
    assert status == 200 and "The replica cannot be reached: figures read from the primary." in html
    assert touching("primary", UNIT_DAY)
    metrics = Client().get("/metrics").content.decode()
    assert 'ravao_replica_up{replica="replica"} 0.0' in metrics
    assert "ravao_replica_lag_seconds{" not in metrics
    # F2 exports stream from the primary now, through pgbouncer: no server-side cursor there.
    tracer = Client()
    tracer.force_login(users["tracer"])
    r = tracer.get(f"/tracing/cases/{case.pk}/export.csv", {"degree": 2})
    assert r.status_code == 200 and "Gần" in b"".join(r.streaming_content).decode()

    pg_ctl("replica", "start")
    wait_streaming()
    wait_replayed(timeout=30)
    reset_stats()
    status, html = dashboard(figures)
    assert status == 200 and touching("replica", UNIT_DAY) and not touching("primary", UNIT_DAY)


def test_a_replica_lost_in_the_middle_of_a_read_is_read_again_on_the_primary(
    figures, users, settings, replica_restarted
):
    settings.RAVAO_REPLICA_CHECK_SECONDS = 3600  # the router still believes the replica healthy
    scope = selectors.resolve(user=users["province"], unit_code="46", first=END_DAY - timedelta(days=6), last=END_DAY)
    before = selectors.coverage(user=users["province"], scope=scope)
    assert dbrouting.last_read().on_replica
    pg_ctl("replica", "stop", "-m", "immediate")
    after = selectors.coverage(user=users["province"], scope=scope)
    assert after == before
    assert dbrouting.last_read().reason == "retry"
    assert dbrouting.replica_lag() is None  # marked down: the next blocks go to the primary at once
    with dbrouting.reading_from_replica() as block:
        assert block.reason == "down"
