"""Replica lag under the check-in load: bench/checkin_throughput.py against the cluster of
.ci/cluster.sh (through pgbouncer, as deployed), while the lag is sampled every 0.2 s.

    .ci/cluster.sh start && . /tmp/ravao-cluster/env
    .venv/bin/python bench/replica_lag.py [--seconds 30] [--workers 2] [--connections 8]
    .ci/cluster.sh stop

Sampled: on the primary, ``pg_stat_replication`` (bytes of WAL not yet replayed by the replica,
and PostgreSQL's own ``replay_lag``, the time between a commit on the primary and its replay
there); on the replica, the figure the router uses (``ravao.core.dbrouting.LAG_SQL``). Printed:
max and p95 of each, WAL written per second, and the check-in rate of the same run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)


def sampler(stop: threading.Event, out: list) -> None:
    primary = psycopg.connect(os.environ["RAVAO_CLUSTER_PRIMARY"], autocommit=True)
    replica = psycopg.connect(os.environ["RAVAO_CLUSTER_REPLICA"], autocommit=True)
    while not stop.is_set():
        row = primary.execute(
            "SELECT pg_current_wal_lsn(), pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), "
            "COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) FROM pg_stat_replication"
        ).fetchone()
        router = float(replica.execute(LAG_SQL).fetchone()[0])
        if row:
            out.append((time.monotonic(), row[0], int(row[1]), float(row[2]), router))
        time.sleep(0.2)
    primary.close()
    replica.close()


def p95(values):
    return sorted(values)[int(0.95 * (len(values) - 1))] if values else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--people", type=int, default=5000)
    args = parser.parse_args()
    for name in ("RAVAO_CLUSTER_PRIMARY", "RAVAO_CLUSTER_REPLICA", "DATABASE_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} unset: start .ci/cluster.sh and source its env file")
    bouncer = os.environ["DATABASE_URL"].rsplit("/", 1)[0]  # the application's way in: pgbouncer
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    env.update(RAVAO_BENCH_PG=bouncer, RAVAO_DB_POOLED="1")
    samples: list = []
    stop = threading.Event()
    thread = threading.Thread(target=sampler, args=(stop, samples), daemon=True)
    thread.start()
    started = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "checkin_throughput.py"),
            "--seconds",
            str(args.seconds),
            "--workers",
            str(args.workers),
            "--connections",
            str(args.connections),
            "--people",
            str(args.people),
            "--skip-baseline",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    stop.set()
    thread.join()
    print(run.stdout)
    if run.returncode:
        print(run.stderr[-3000:])
        sys.exit(run.returncode)
    # The load phase: the last args.seconds of the run (set-up before it writes too).
    load = [s for s in samples if s[0] >= time.monotonic() - args.seconds - 2 and s[0] <= time.monotonic()]
    load = load or samples
    byte_lag = [s[2] for s in load]
    replay = [s[3] for s in load]
    router = [s[4] for s in load]
    with psycopg.connect(os.environ["RAVAO_CLUSTER_PRIMARY"], autocommit=True) as c:
        wal = c.execute("SELECT pg_wal_lsn_diff(%s::pg_lsn, %s::pg_lsn)", [load[-1][1], load[0][1]]).fetchone()[0]
    span = load[-1][0] - load[0][0] or 1
    print(
        f"== replica lag during the load ({len(load)} samples over {span:.0f} s; "
        f"whole run {time.monotonic() - started:.0f} s)"
    )
    print(f"   WAL written: {float(wal) / span / 1e6:.2f} MB/s")
    print(f"   WAL not yet replayed: max {max(byte_lag) / 1e3:.0f} kB, p95 {p95(byte_lag) / 1e3:.0f} kB")
    print(
        f"   replay_lag (pg_stat_replication): max {max(replay) * 1000:.0f} ms, p95 {p95(replay) * 1000:.0f} ms, "
        f"median {statistics.median(replay) * 1000:.0f} ms"
    )
    print(f"   router's lag (replica side): max {max(router):.2f} s, p95 {p95(router):.2f} s")


if __name__ == "__main__":
    main()
