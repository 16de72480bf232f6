"""Helpers of the cluster tests (test_cluster_*.py): a real primary, a streaming replica and
pgbouncer started by ``.ci/cluster.sh start`` (``make test-cluster``).

Where a query ran is read from ``pg_stat_statements`` on each server, reset before the step
under test: deterministic, unlike activity snapshots. Statements are counted only in the test
database (``dbid``)."""

import os
import subprocess
import time

import psycopg
import pytest
from django.db import connections

ENV = ("DATABASE_REPLICA_URL", "RAVAO_CLUSTER_PRIMARY", "RAVAO_CLUSTER_REPLICA", "RAVAO_CLUSTER_DIR")


def require_cluster():
    """Skip the whole module, with one line, outside ``make test-cluster``."""
    missing = [name for name in ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(
            "cluster tests need a primary + replica + pgbouncer: run `make test-cluster` "
            f"(unset: {', '.join(missing)})",
            allow_module_level=True,
        )


# Reads across the replica alias too; committed writes (the replica sees only those).
pytestmark = [
    pytest.mark.cluster,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"]),
]


def admin(which: str) -> psycopg.Connection:
    return psycopg.connect(os.environ[f"RAVAO_CLUSTER_{which.upper()}"], autocommit=True)


def test_db_name() -> str:
    return connections["default"].settings_dict["NAME"]


test_db_name.__test__ = False  # a helper, not a test


def reset_stats() -> None:
    for which in ("primary", "replica"):
        try:
            with admin(which) as c:
                c.execute("SELECT pg_stat_statements_reset()")
        except psycopg.OperationalError:
            assert which == "replica"  # stopped by the test


def statements(which: str) -> list[tuple[str, int]]:
    """(query, calls) run on that server in the test database since the last reset."""
    with admin(which) as c:
        return c.execute(
            "SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
            "WHERE datname = %s) ORDER BY calls DESC",
            [test_db_name()],
        ).fetchall()


def touching(which: str, table: str) -> list[str]:
    return [q for q, _calls in statements(which) if table in q]


def writes(which: str) -> list[str]:
    return [
        q for q, _calls in statements(which) if q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
    ]


def wait_replayed(timeout: float = 15) -> float:
    """Wait until the replica has replayed everything the primary wrote; seconds waited."""
    start = time.monotonic()
    with admin("primary") as p, admin("replica") as r:
        lsn = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        while not r.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
            if time.monotonic() - start > timeout:
                raise AssertionError(f"the replica did not replay {lsn} in {timeout} s")
            time.sleep(0.02)
    return time.monotonic() - start


def pg_ctl(node: str, action: str, *extra: str) -> None:
    directory = os.environ["RAVAO_CLUSTER_DIR"]
    pgbin = os.environ.get("RAVAO_CLUSTER_PGBIN", "/usr/lib/postgresql/15/bin")
    cmd = [f"{pgbin}/pg_ctl", "-D", f"{directory}/{node}", "-w", action, *extra]
    if action == "start":
        cmd += ["-l", f"{directory}/{node}.log"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


def wait_streaming(timeout: float = 30) -> None:
    start = time.monotonic()
    while True:
        try:
            with admin("replica") as r:
                if r.execute("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'").fetchone()[0]:
                    return
        except psycopg.OperationalError:
            pass
        if time.monotonic() - start > timeout:
            raise AssertionError("the replica is not streaming")
        time.sleep(0.1)
