"""On a real cluster: the check-in hot path through pgbouncer in transaction mode.

Debian 12 ships PgBouncer 1.18, which cannot carry protocol-level prepared statements (that
came in 1.21 with ``max_prepared_statements``): a statement prepared on one server connection
is executed on another and fails. So behind the pooler Ravao does not prepare
(``RAVAO_DB_POOLED=1`` turns ``RAVAO_DB_PREPARED_STATEMENTS`` off by default) — the first test
shows why, the others that the hot path then works through the pooler under concurrency."""

import os
import subprocess
import threading
import uuid

from ravao.core.tests.clusterlib import require_cluster

require_cluster()

import psycopg  # noqa: E402
import pytest  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connections  # noqa: E402

from ravao.checkins.models import Visit  # noqa: E402
from ravao.checkins.tests.conftest import checkin_payload, make_venue, member, person_payload  # noqa: E402
from ravao.core.tests.clusterlib import pytestmark, reset_stats, statements  # noqa: E402, F401
from ravao.testing import ApiClient  # noqa: E402


def pgbouncer_version() -> tuple[int, ...]:
    out = subprocess.run(["pgbouncer", "--version"], capture_output=True, text=True, check=True).stdout
    return tuple(int(x) for x in out.split()[1].split("."))


def empty_pool(url: str) -> None:
    """Close the pool's server connections (and what was prepared on them): pgbouncer's console."""
    console = url.rsplit("/", 1)[0] + "/pgbouncer"
    with psycopg.connect(console, autocommit=True) as c:
        for command in (b"KILL ravao_prep", b"RESUME ravao_prep"):
            c.pgconn.exec_(command)  # the console speaks the simple protocol only


def test_protocol_prepared_statements_break_through_this_pgbouncer_unless_it_carries_them():
    url = os.environ["RAVAO_CLUSTER_BOUNCER"]  # a pool of two server connections
    empty_pool(url)
    preparing = psycopg.connect(url, autocommit=True, prepare_threshold=0)
    other = psycopg.connect(url, autocommit=True)
    try:
        preparing.execute("SELECT %s::int + 1", [1])  # prepared on server connection A
        with other.transaction():
            other.execute("SELECT 1")  # A is now busy: the next statement gets server B
            if pgbouncer_version() >= (1, 21):
                pytest.skip("PgBouncer >= 1.21: set max_prepared_statements and keep preparing on")
            with pytest.raises(psycopg.errors.InvalidSqlStatementName):
                preparing.execute("SELECT %s::int + 1", [1])
    finally:
        preparing.close()
        other.close()


def test_the_application_does_not_prepare_behind_the_pooler():
    settings_dict = connections["default"].settings_dict
    assert f":{settings_dict['PORT']}/" in os.environ["RAVAO_CLUSTER_BOUNCER"]  # pgbouncer's port
    assert "prepare_threshold" not in settings_dict.get("OPTIONS", {})
    assert settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_check_ins_and_gate_scans_flow_through_pgbouncer_from_concurrent_workers(small_map, users):
    venue = make_venue(small_map.commune_a)
    staff = member(users["staff"], venue)
    reset_stats()
    answers, n = [], 25

    def visitor(k: int):
        try:
            api = ApiClient()
            for i in range(n):
                person = person_payload(phone=f"09{k}{i:07d}", full_name=f"Khách {k}-{i}")
                answers.append(api.post("/checkins", checkin_payload(venue.code, person=person)).status_code)
        finally:
            connections.close_all()

    def gate():
        try:
            api = ApiClient(staff)
            for i in range(n):
                body = {
                    "venue": venue.code,
                    "client_id": str(uuid.uuid4()),
                    "text": f"0010900{i:05d}||Lê Văn {i}|15041990|Nam|Huế|01072021",
                }
                answers.append(api.post("/scans", body).status_code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=visitor, args=(1,)),
        threading.Thread(target=visitor, args=(2,)),
        threading.Thread(target=gate),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count(201) == 3 * n, sorted(set(answers))
    assert Visit.objects.count() == 3 * n
    inserted = sum(calls for q, calls in statements("primary") if q.startswith("INSERT INTO") and "checkins_visit" in q)
    assert inserted == 3 * n
