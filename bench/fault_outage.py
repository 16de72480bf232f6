"""Fault test: public check-ins under load while PostgreSQL drops the app's connections and then
refuses connections for 5 seconds. Nothing acknowledged may be lost or counted twice, every
failed answer must be a 503, and the server may log a few lines, not one per request.

    .venv/bin/python bench/fault_outage.py [--db ravao_harden] [--seconds 30] [--clients 8]

Timeline: load starts; at 6 s every backend of the database is terminated
(``pg_terminate_backend``); at 14 s the database refuses connections
(``ALTER DATABASE … ALLOW_CONNECTIONS false`` plus termination) and at 19 s accepts them again.
The PostgreSQL server itself is never restarted. Each client posts check-ins with a fresh
``client_id`` and phone; on a 503 it waits the ``Retry-After`` and sends the same body again,
as the gate's queue does, until it is acknowledged (or the run ends).
"""

import argparse
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, print_machine, production_env, psql, ravao  # noqa: E402

PORT = 8765


def setup(db: str) -> str:
    psql("postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{db}"')
    ravao(db, "migrate", "--noinput", quiet=True)
    ravao(db, "loadunits", "--generation", "2025", quiet=True)
    out = ravao(
        db,
        "shell",
        "-c",
        (
            "from ravao.units.models import Unit; from ravao.venues.testing import make_venue; "
            "u = Unit.objects.filter(generation='2025', depth=2).order_by('code').first(); "
            "print(make_venue(u, 'Chợ Đông Ba').code)"
        ),
        quiet=True,
    )
    return out.strip().splitlines()[-1]


def post(body: dict) -> tuple[int, dict, str]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/v1/checkins",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, json.loads(r.read() or b"{}"), r.headers.get("Retry-After", "")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            data = json.loads(text)
        except ValueError:
            data = {"raw": text[:200].decode(errors="replace")}
        return e.code, data, e.headers.get("Retry-After", "")
    except OSError as e:
        return 0, {"error": str(e)}, ""


def client(venue: str, stop: float, seq: list, lock: threading.Lock, acked: dict, answers: Counter, bad: list) -> None:
    rnd = random.Random()
    while time.monotonic() < stop:
        with lock:
            seq[0] += 1
            n = seq[0]
        body = {
            "venue": venue,
            "client_id": str(uuid.uuid4()),
            "person": {"full_name": f"Khách {n}", "phone": f"09{n:08d}", "birth_year": 1990},
        }
        while time.monotonic() < stop + 20:  # a queued check-in is retried after the run too
            status, data, retry_after = post(body)
            with lock:
                answers[status] += 1
            if status in (200, 201):
                with lock:
                    acked[body["client_id"]] = data.get("id")
                break
            if status != 503 or not retry_after:
                with lock:
                    bad.append((status, str(data)[:200]))
                break
            time.sleep(min(float(retry_after), 1.0) * rnd.uniform(0.5, 1.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="ravao_harden")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print_machine("Fault: connections cut, database refused for 5 s, under check-in load")
    venue = setup(args.db)
    env = production_env(args.db, RAVAO_CHECKIN_RATE_LIMIT="100000000", RAVAO_DB_CONN_MAX_AGE="600")
    server = Server(env, port=PORT, workers=2, threads=1)
    acked: dict = {}
    answers: Counter = Counter()
    bad: list = []
    try:
        server.wait_ready("/healthz")
        log_before = server.log_lines()
        stop = time.monotonic() + args.seconds
        lock, seq = threading.Lock(), [0]
        threads = [
            threading.Thread(target=client, args=(venue, stop, seq, lock, acked, answers, bad))
            for _ in range(args.clients)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        terminate = (
            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{args.db}' AND pid <> pg_backend_pid()"
        )
        time.sleep(6)
        print(f"{time.monotonic() - started:5.1f} s  connections cut: {psql('postgres', terminate).strip()} backends")
        time.sleep(8)
        psql("postgres", f'ALTER DATABASE "{args.db}" ALLOW_CONNECTIONS false')
        print(
            f"{time.monotonic() - started:5.1f} s  database refused; cut {psql('postgres', terminate).strip()} backends"
        )
        time.sleep(5)
        psql("postgres", f'ALTER DATABASE "{args.db}" ALLOW_CONNECTIONS true')
        print(f"{time.monotonic() - started:5.1f} s  database accepts connections again")
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        server_log = server.log.read_text(errors="replace").splitlines()[log_before:]
    finally:
        psql("postgres", f'ALTER DATABASE "{args.db}" ALLOW_CONNECTIONS true')
        server.stop()
    counts = (
        psql(
            args.db,
            "SELECT (SELECT count(*) FROM checkins_visit), "
            "(SELECT count(*) FROM checkins_checkinreplay), "
            "(SELECT count(*) FROM (SELECT person_id FROM checkins_visit GROUP BY person_id "
            "HAVING count(*) > 1) d)",
        )
        .strip()
        .split("|")
    )
    visits, replays, duplicated = (int(x) for x in counts)
    visit_ids = {v for v in acked.values() if v is not None}
    failed = sum(n for s, n in answers.items() if s not in (200, 201))
    print(
        f"\n{elapsed:.0f} s, {args.clients} clients: {sum(answers.values())} answers "
        + ", ".join(f"{s}: {n}" for s, n in sorted(answers.items()))
    )
    print(
        f"acknowledged check-ins: {len(acked)}; visits in the database: {visits}; replays stored: {replays}; "
        f"people with two visits: {duplicated}; distinct acknowledged visit ids: {len(visit_ids)}"
    )
    print(f"failed answers: {failed}, of which not 503: {len(bad)} {bad[:3]}")
    print(f"server log lines during the run: {len(server_log)}")
    for line in server_log[:20]:
        print("   ", line[:200])
    ok = visits == len(acked) == len(visit_ids) and duplicated == 0 and not bad and failed > 0 and len(server_log) <= 10
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
