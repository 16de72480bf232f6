"""Durability of the ingestion front under load: kill -9 of a server process and a cut of every
database connection while check-ins flow, then count.

    RAVAO_BENCH_DB=bench_checkin .venv/bin/python bench/ingest_durability.py [--seconds 30] [--clients 16]

Uses the database of bench/checkin_throughput.py (run it once first, or pass --fresh). Clients
(threads, keep-alive HTTP) send the same mix (half self check-ins, half chip-card scans), each
request with a fresh client_id, and retry a request with the same client_id, as a gate's queue
does, until it is answered 2xx (a 503, a reset connection or a timeout is not an answer). At
``seconds/3`` one server worker is killed with SIGKILL (granian starts another); at
``2*seconds/3`` every PostgreSQL connection of the database is terminated.

Checked afterwards:
* lost: acknowledged visit ids that are not in the table (must be 0);
* duplicates: visits written during the run that no acknowledged answer names (a write
  answered to nobody, or written twice; must be 0), and client_ids with more than one replay row;
* replays: every acknowledged request sent again answers 200 with the same visit id.
"""

import argparse
import http.client
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import checkin_throughput as ct  # noqa: E402
from bench import common  # noqa: E402


def lines_of(path: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in path.read_text().splitlines():
        p, auth, body = line.split("\t", 2)
        out.append((p, auth, body))
    return out


class Client(threading.Thread):
    def __init__(self, port, lines, stop, acked, counters):
        super().__init__(daemon=True)
        self.port, self.lines, self.stop, self.acked, self.counters = port, lines, stop, acked, counters
        self.conn = None

    def post(self, path, auth, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = auth
        try:
            self.conn.request("POST", path, body=body.encode(), headers=headers)
            res = self.conn.getresponse()
            return res.status, res.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return 0, b""

    def run(self):
        rng = random.Random()
        while not self.stop.is_set():
            path, auth, template = rng.choice(self.lines)
            cid = str(uuid.uuid4())
            body = template.replace("{CID}", cid)
            for _attempt in range(200):  # a gate retries until answered
                status, content = self.post(path, auth, body)
                if status in (200, 201):
                    self.acked.append((path, auth, body, json.loads(content)["id"], status))
                    break
                self.counters[str(status)] = self.counters.get(str(status), 0) + 1
                if status and status < 500 and status != 429:
                    print("   refused:", status, content[:200])
                    break
                time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="simulate a new bench database first")
    args = parser.parse_args()
    ns = argparse.Namespace(reuse=not args.fresh, people=20_000, lines=20_000, scan_share=0.5)
    ns.reuse = ns.reuse and common.db_exists(ct.DB) and ct.SECRET_FILE.exists()
    ns.secret = ct.SECRET_FILE.read_text() if ns.reuse else __import__("secrets").token_urlsafe(50)
    common.print_machine("ingestion front durability: kill -9 and database cut under load")
    prep = ct.prepare(ns)
    lines = lines_of(prep["requests_files"][0])
    for f in prep["requests_files"]:
        f.unlink(missing_ok=True)
    env = common.production_env(
        ct.DB, RAVAO_CHECKIN_RATE_LIMIT="1000000000", RAVAO_SCAN_RATE_LIMIT="1000000000", RAVAO_SECRET_KEY=ns.secret
    )
    port = ct.PORT + 1
    server = common.Server(env, port=port, workers=args.workers)
    first_id = int(common.psql(ct.DB, "SELECT coalesce(max(id), 0) FROM checkins_visit"))
    started = common.psql(ct.DB, "SELECT now()")
    stop, acked, counters = threading.Event(), [], {}
    try:
        server.wait_ready()
        clients = [Client(port, lines, stop, acked, counters) for _ in range(args.clients)]
        for c in clients:
            c.start()
        time.sleep(args.seconds / 3)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        print(f"   {time.strftime('%H:%M:%S')} killed server worker {victim} with SIGKILL ({len(acked)} acknowledged)")
        time.sleep(args.seconds / 3)
        cut = common.psql(
            "postgres",
            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{ct.DB}' "
            "AND pid <> pg_backend_pid()",
        )
        print(f"   {time.strftime('%H:%M:%S')} terminated {cut} database connections ({len(acked)} acknowledged)")
        time.sleep(args.seconds / 3)
        stop.set()
        for c in clients:
            c.join(timeout=60)
        print(f"   acknowledged {len(acked):,} check-ins; not-2xx answers retried: {counters}")
        ids = {a[3] for a in acked}
        present = set()
        id_list = sorted(ids)
        for i in range(0, len(id_list), 5000):
            chunk = ",".join(str(x) for x in id_list[i : i + 5000])
            found = common.psql(ct.DB, f"SELECT id FROM checkins_visit WHERE id IN ({chunk})")
            present.update(int(x) for x in found.split())
        lost = ids - present
        written = {int(x) for x in common.psql(ct.DB, f"SELECT id FROM checkins_visit WHERE id > {first_id}").split()}
        unanswered = written - ids
        cids = [json.loads(a[2])["client_id"] for a in acked]
        doubled = len(cids) - len(set(cids))
        kept = common.psql(ct.DB, f"SELECT client_id FROM checkins_checkinreplay WHERE created_at >= '{started}'")
        kept_ids, wanted = kept.split(), set(cids)
        replay_rows = sum(1 for c in kept_ids if c in wanted)
        # Replays: every acknowledged request again.
        replayer = Client(port, lines, stop, [], {})
        same = wrong = 0
        for path, auth, body, visit_id, _status in acked:
            status, content = replayer.post(path, auth, body)
            if status == 200 and json.loads(content)["id"] == visit_id:
                same += 1
            else:
                wrong += 1
        print(f"   lost (acknowledged, not in the table): {len(lost)}")
        print(
            f"   duplicates: {len(unanswered)} visits written that no answer names, {doubled} client_ids answered "
            f"twice, replay rows {replay_rows:,} for {len(cids):,} client_ids"
        )
        print(f"   replays: {same:,} answered 200 with the same id, {wrong} otherwise")
        if lost or unanswered or doubled or wrong or replay_rows != len(cids) or len(kept_ids) != len(set(kept_ids)):
            sys.exit(1)
    finally:
        stop.set()
        server.stop()


if __name__ == "__main__":
    main()
