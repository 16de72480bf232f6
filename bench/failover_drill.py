"""Failover drill: the primary dies while check-ins flow through pgbouncer; the replica is
promoted and pgbouncer repointed. Measured: the seconds without an acknowledged check-in, and
the acknowledged check-ins missing from the promoted server.

    sudo .venv/bin/python bench/failover_drill.py [--sync] [--stall S] [--clients 4] [--before 10] [--after 20]

1. A cluster of its own (.ci/cluster.sh on ports 55436/55437/56436 under /tmp/ravao-failover):
   primary, streaming replica, pgbouncer in transaction mode. ``--sync``: synchronous
   replication (``synchronous_standby_names = '*'``): a commit is acknowledged once the replica
   has it.
2. ``ravao serve`` (2 workers) through pgbouncer, a small simulated province, and ``--clients``
   threads posting self check-ins (``POST /api/v1/checkins``, a fresh client_id each), recording
   every 201 with its visit id.
3. After ``--before`` seconds: the primary is killed (``pg_ctl stop -m immediate``: a crash, no
   shutdown checkpoint, no last WAL sent), the replica promoted (``pg_ctl promote``), pgbouncer's
   ``*`` entry pointed at it and reloaded — what Patroni, or an operator, does; detection time is
   not included (Patroni's ``ttl``, 30 s by default, comes on top).
   ``--stall S``: first the replication link stalls for S seconds (the primary's walsender is
   stopped), as in a network hiccup just before the crash: what asynchronous replication loses.
4. ``--after`` seconds more of load; then every acknowledged visit id is looked up on the
   promoted server.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RAVAO = str(ROOT / ".venv" / "bin" / "ravao")
DIR = Path("/tmp/ravao-failover")
PRIMARY, REPLICA, BOUNCER, PORT = 55436, 55437, 56436, 8136
PGBIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
DB = "ravao_cluster"


def sh(*cmd, env=None, check=True):
    return subprocess.run(list(map(str, cmd)), env=env, check=check, capture_output=True, text=True)


def cluster(action: str):
    env = {
        **os.environ,
        "RAVAO_CLUSTER_DIR": str(DIR),
        "RAVAO_CLUSTER_PRIMARY_PORT": str(PRIMARY),
        "RAVAO_CLUSTER_REPLICA_PORT": str(REPLICA),
        "RAVAO_CLUSTER_BOUNCER_PORT": str(BOUNCER),
    }
    return sh("bash", ROOT / ".ci" / "cluster.sh", action, env=env)


def pg(port: int, sql: str, db: str = "postgres"):
    with psycopg.connect(f"postgres://postgres@127.0.0.1:{port}/{db}", autocommit=True) as c:
        cur = c.execute(sql)
        return cur.fetchall() if cur.description else []


def as_pg(*cmd):
    return sh("runuser", "-u", "postgres", "--", *cmd)


class Load:
    def __init__(self, venue: str, clients: int):
        self.venue, self.clients = venue, clients
        self.stop = threading.Event()
        self.acked: list[tuple[float, int]] = []  # (time, visit id)
        self.failed: list[float] = []
        self.lock = threading.Lock()

    def run(self, k: int):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        i = 0
        while not self.stop.is_set():
            i += 1
            body = json.dumps(
                {
                    "venue": self.venue,
                    "client_id": str(uuid.uuid4()),
                    "person": {"full_name": f"Khách {k}-{i}", "phone": f"09{k}{i:07d}"},
                }
            )
            try:
                conn.request("POST", "/api/v1/checkins", body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                ok = r.status == 201
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                ok, data = False, b""
            now = time.monotonic()
            with self.lock:
                if ok:
                    self.acked.append((now, json.loads(data)["id"]))
                else:
                    self.failed.append(now)
                    time.sleep(0.05)

    def start(self):
        self.threads = [threading.Thread(target=self.run, args=(k,), daemon=True) for k in range(1, self.clients + 1)]
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sync", action="store_true", help="synchronous replication")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--after", type=float, default=20)
    parser.add_argument(
        "--stall",
        type=float,
        default=0,
        help="seconds the replication link stalls (walsender stopped) before the crash",
    )
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (PostgreSQL's tools run as the postgres user)")
    cluster("stop")
    print(cluster("start").stdout.strip())
    server = None
    try:
        if args.sync:
            pg(PRIMARY, "ALTER SYSTEM SET synchronous_standby_names = '*'")
            pg(PRIMARY, "SELECT pg_reload_conf()")
            while pg(PRIMARY, "SELECT sync_state FROM pg_stat_replication")[0][0] != "sync":
                time.sleep(0.1)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "RAVAO_DB_"))}
        env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{BOUNCER}/{DB}",
            RAVAO_DB_POOLED="1",
            RAVAO_CHECKIN_RATE_LIMIT="1000000000",
            RAVAO_LOG_LEVEL="ERROR",
        )
        for cmd in (
            ["migrate", "--noinput"],
            ["loadunits", "--generation", "2025"],
            ["simulate", "--seed", "1", "--unit", "46", "--venues", "20", "--people", "200", "--days", "1"],
        ):
            sh(RAVAO, *cmd, env=env)
        venue = pg(PRIMARY, "SELECT code FROM venues_venue WHERE status = 'active' ORDER BY id LIMIT 1", DB)[0][0]
        log = open("/tmp/ravao-failover-server.log", "wb")
        server = subprocess.Popen(
            [RAVAO, "serve", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", "/api/v1/keys")
                break
            except OSError:
                time.sleep(0.2)
        mode = pg(PRIMARY, "SELECT sync_state FROM pg_stat_replication")[0][0]
        print(f"== replication: {mode}; {args.clients} clients posting check-ins through pgbouncer")
        load = Load(venue, args.clients)
        load.start()
        time.sleep(args.before)

        if args.stall:
            # The link to the replica stalls (a network hiccup): the walsender stops sending.
            sender = pg(PRIMARY, "SELECT pid FROM pg_stat_replication")[0][0]
            os.kill(sender, 19)  # SIGSTOP
            time.sleep(args.stall)
        t0 = time.monotonic()
        as_pg(PGBIN / "pg_ctl", "-D", DIR / "primary", "-m", "immediate", "-w", "stop")
        t_killed = time.monotonic()
        as_pg(PGBIN / "pg_ctl", "-D", DIR / "replica", "-w", "promote")
        t_promoted = time.monotonic()
        ini = DIR / "pgbouncer.ini"
        ini.write_text(ini.read_text().replace(f"port={PRIMARY}", f"port={REPLICA}"))
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{BOUNCER}/pgbouncer", autocommit=True) as c:
            c.pgconn.exec_(b"RELOAD")
        t_repointed = time.monotonic()
        time.sleep(args.after)
        load.finish()

        acked = load.acked
        before = [t for t, _ in acked if t < t0]
        after = [t for t, _ in acked if t >= t0]
        times = sorted(t for t, _ in acked)
        # The longest stretch without an acknowledged check-in around the failover.
        gap = max((b - a for a, b in zip(times, times[1:], strict=False) if b >= t0), default=float("nan"))
        first_after = min((t for t in after if t >= t_repointed), default=float("nan"))
        ids = [i for _, i in acked]
        found = {r[0] for r in pg(REPLICA, f"SELECT id FROM checkins_visit WHERE id = ANY(ARRAY{ids}::bigint[])", DB)}
        lost = [i for i in ids if i not in found]
        print(
            f"   failover steps: kill {t_killed - t0:.2f} s, promote {t_promoted - t_killed:.2f} s, "
            f"repoint pgbouncer {t_repointed - t_promoted:.2f} s"
        )
        print(
            f"   acknowledged check-ins: {len(before)} before, {len(after)} after; failed requests {len(load.failed)}"
        )
        print(
            f"   without an acknowledged check-in: {gap:.2f} s (first one on the promoted server "
            f"{first_after - t0:.2f} s after the kill)"
        )
        print(
            f"   acknowledged check-ins missing on the promoted server: {len(lost)} of {len(ids)}"
            + (f" (ids {lost[:10]})" if lost else "")
        )
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        cluster("stop")


if __name__ == "__main__":
    main()
