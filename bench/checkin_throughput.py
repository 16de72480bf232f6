"""Check-in throughput: `ravao serve` on PostgreSQL under wrk, against the pgbench insert floor.

    .venv/bin/python bench/checkin_throughput.py [--seconds 30] [--connections 8] [--workers 4]

1. A bench database (bench_checkin) with a simulated province (a day of visits so that the
   indexes are not empty), a gate-staff account at every venue and its API token.
2. `ravao serve` (gunicorn, DEBUG off, a real secret, PostgreSQL, synchronous_commit on) on
   port 8106; wrk (Debian package) with a Lua script posts, at fixed concurrency for a fixed
   time, valid self check-ins (`POST /api/v1/checkins`, returning visitors by ID number, half
   with a health declaration) and gate scans (`POST /api/v1/scans`, chip ID card QR text), each
   with a fresh client_id. Reported: check-ins/s, p50/p95/p99, non-2xx answers, RSS per worker.
3. Baseline in the same run: pgbench inserting the same row into the same partitioned table,
   one row per transaction, same number of clients. The ratio is the share of the durable
   commit floor that the whole application reaches.

The rate limiter counts public check-ins per client address; the load comes from one address,
so the run raises RAVAO_CHECKIN_RATE_LIMIT (a deployment keeps it, behind a proxy that passes
the real address), and RAVAO_SCAN_RATE_LIMIT (all scans come from one bench gate account).
The port is 8106, or RAVAO_BENCH_PORT.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = os.environ.get("RAVAO_BENCH_DB", "bench_checkin")
SECRET_FILE = common.ROOT / "bench" / "results" / f".secret-{DB}"
PORT = int(os.environ.get("RAVAO_BENCH_PORT", "8106"))

LUA = r"""
local lines = {}
local counter = 0
local threads = {}
local id = 0

function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local path, auth, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    table.insert(lines, {path, auth, body})
  end
  counter = 0
  nonce = tonumber(args[2])
end

function request()
  counter = counter + 1
  local item = lines[((counter * 7 + tid * 7919) % #lines) + 1]
  local cid = string.format("%08x-%04x-4000-8000-%012x", nonce, tid, counter)
  local body = item[3]:gsub("{CID}", cid)
  local headers = {["Content-Type"] = "application/json"}
  if item[2] ~= "" then headers["Authorization"] = item[2] end
  return wrk.format("POST", item[1], headers, body)
end

c200, c201, c4xx, c5xx, cother = 0, 0, 0, 0, 0
firsterr = ""

function response(status, headers, body)
  if status == 201 then c201 = c201 + 1
  elseif status == 200 then c200 = c200 + 1
  elseif status >= 500 then c5xx = c5xx + 1
  elseif status >= 400 then c4xx = c4xx + 1
  else cother = cother + 1 end
  if status >= 400 and firsterr == "" then firsterr = status .. " " .. body:sub(1, 200) end
end

function done(summary, latency, requests)
  local names = {"c200", "c201", "c4xx", "c5xx", "cother"}
  local parts = {}
  for _, name in ipairs(names) do
    local total = 0
    for _, t in ipairs(threads) do total = total + (t:get(name) or 0) end
    table.insert(parts, string.format('"%s": %d', name:sub(2), total))
  end
  for _, t in ipairs(threads) do
    local e = t:get("firsterr")
    if e and e ~= "" then io.write("FIRSTERROR " .. e:gsub("\n", " ") .. "\n") end
  end
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "max": %f, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


def prepare(args) -> dict:
    """Bench database, simulated province, staff token and request bodies."""
    if args.reuse and common.db_exists(DB):
        print("   reusing", DB)
    else:
        common.fresh_db(DB)
        # Keyed hashes and encrypted fields depend on the secret: simulator and server share it.
        common.ravao(
            DB,
            "simulate",
            "--unit",
            "46",
            "--venues",
            "300",
            "--people",
            str(args.people),
            "--days",
            "1",
            "--checkins-per-day",
            "100000",
            "--seed",
            "3",
            "--start",
            (date.today() - timedelta(days=1)).isoformat(),
            env={"RAVAO_SECRET_KEY": args.secret},
        )
        SECRET_FILE.write_text(args.secret)
    os.environ["DATABASE_URL"] = common.db_url(DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
    os.environ["RAVAO_SECRET_KEY"] = args.secret
    import django

    django.setup()
    from ravao.accounts.models import Role, User
    from ravao.accounts.services import token_issue
    from ravao.people.models import Person
    from ravao.venues.models import Venue, VenueMembership

    staff, _ = User.objects.get_or_create(username="bench-gate", defaults={"role": Role.GATE_STAFF})
    venues = list(Venue.objects.filter(venue_type__kind="place").values_list("id", "code"))
    VenueMembership.objects.bulk_create(
        [VenueMembership(venue_id=v, user=staff, role="staff") for v, _ in venues], ignore_conflicts=True
    )
    token = token_issue(user=staff, name="bench")
    # A new draw for every server measured: pairs repeated from a previous run within 30
    # minutes would be answered as repeats (cheaper) and flatter the figures.
    # Adults only: a chip ID card is issued from 14, and the card's dates must be consistent.
    people = list(Person.objects.filter(birth_year__lte=2006).order_by("id")[: args.people])
    files = [_requests_file(args, token, venues, people, random.Random(time.time_ns() + n)) for n in range(2)]
    vid = [v for v, _ in venues]
    pid = (people[0].id, people[-1].id)
    from django.db import connections

    connections.close_all()
    return {"requests_files": files, "venue_ids": (min(vid), max(vid)), "person_ids": pid}


def _requests_file(args, token, venues, people, rng) -> Path:
    """The request lines wrk cycles through: half gate scans, half self check-ins."""
    lines = []
    for i in range(args.lines):
        p = people[i % len(people)]
        code = venues[rng.randrange(len(venues))][1]
        if rng.random() < args.scan_share:
            birth = p.birth_date.replace("-", "")
            ddmmyyyy = birth[6:8] + birth[4:6] + birth[0:4]
            sex = "Nam" if p.sex == "male" else "Nữ"
            text = f"{p.id_number}||{p.full_name}|{ddmmyyyy}|{sex}|Huế|01012024"
            body = {"venue": code, "text": text, "client_id": "{CID}"}
            lines.append(("/api/v1/scans", f"Bearer {token}", body))
        else:
            body = {
                "venue": code,
                "client_id": "{CID}",
                "person": {"full_name": p.full_name, "id_number": p.id_number, "birth_year": p.birth_year},
            }
            if rng.random() < 0.5:
                body["declaration"] = {
                    "commitment": True,
                    "symptoms": [],
                    "contact_case": False,
                    "contact_symptomatic": False,
                }
            lines.append(("/api/v1/checkins", "", body))
    path = Path(tempfile.mkstemp(prefix="ravao-wrk-", suffix=".tsv")[1])
    path.write_text("".join(f"{p}\t{a}\t{json.dumps(b, ensure_ascii=False)}\n" for p, a, b in lines))
    return path


def visits(db: str) -> int:
    return int(common.psql(db, "SELECT count(*) FROM checkins_visit"))


def run_wrk(args, requests_file: Path, seconds: int) -> dict:
    lua = Path(tempfile.mkstemp(prefix="ravao-wrk-", suffix=".lua")[1])
    lua.write_text(LUA)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(args.wrk_threads),
            "-c",
            str(args.connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
            f"http://127.0.0.1:{PORT}",
            "--",
            str(requests_file),
            str(random.SystemRandom().randrange(1 << 32)),
        ],  # client_ids unique across runs
        capture_output=True,
        text=True,
    )
    lua.unlink(missing_ok=True)
    for line in out.stdout.splitlines():
        if line.startswith("FIRSTERROR "):
            print("   first error answer:", line[len("FIRSTERROR ") :][:200])
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(out.stdout + out.stderr)


def measure(args, env, requests_file: Path, label: str, root) -> dict:
    """One server (this tree, or ``root``: another checkout) under the load; its figures."""
    workers = args.compare_workers if root is not None and args.compare_workers else args.workers
    server = common.Server(env, port=PORT, workers=workers, threads=args.threads, root=root)
    try:
        server.wait_ready()
        run_wrk(args, requests_file, 5)  # warm-up: imports, connections, caches
        before = visits(DB)
        app0, db0, split0 = server.cpu_seconds(), common.db_backends_cpu(DB), server.cpu_split()
        result = run_wrk(args, requests_file, args.seconds)
        app_cpu, db_cpu = server.cpu_seconds() - app0, common.db_backends_cpu(DB) - db0
        app_user, app_sys = (b - a for a, b in zip(split0, server.cpu_split(), strict=True))
        rss = server.rss_mb()
        written = visits(DB) - before
    finally:
        server.stop()
    ok = result["statuses"]["200"] + result["statuses"]["201"]
    errors = result["requests"] - ok + result["socket_errors"]
    rate = ok / result["seconds"]
    print(f"   [{label}]")
    print(
        f"   check-ins: {rate:,.0f}/s answered 2xx ({written / result['seconds']:,.0f} visits/s written), "
        f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"max {result['max']:.0f} ms, errors {errors} (statuses {result['statuses']})"
    )
    print(f"   server RSS per process: {', '.join(f'{x:.0f}' for x in rss)} MB")
    done = max(ok, 1)
    print(
        f"   CPU per answered check-in: app {app_cpu / done * 1000:.2f} ms (user {app_user / done * 1000:.2f}, "
        f"system {app_sys / done * 1000:.2f}), PostgreSQL {db_cpu / done * 1000:.2f} ms "
        f"(capacity per free core: {done / max(app_cpu, 1e-9):,.0f} check-ins/s app, "
        f"{done / max(db_cpu, 1e-9):,.0f}/s database)"
    )
    return {
        "wrk": result,
        "errors": errors,
        "checkins_per_s": rate,
        "visits_written_per_s": written / result["seconds"],
        "rss_mb": rss,
        "app_cpu_ms_per_checkin": app_cpu / done * 1000,
        "app_user_ms_per_checkin": app_user / done * 1000,
        "app_system_ms_per_checkin": app_sys / done * 1000,
        "db_cpu_ms_per_checkin": db_cpu / done * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=60_000, help="distinct requests cycled by wrk")
    parser.add_argument("--scan-share", type=float, default=0.5)
    parser.add_argument("--reuse", action="store_true", help="reuse the bench database if it exists")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--compare",
        default="",
        help="another checkout (e.g. a worktree of the previous commit) measured after this one, same load",
    )
    parser.add_argument("--compare-workers", type=int, default=0, help="workers of the compared server")
    args = parser.parse_args()
    # A bench database keeps the secret it was simulated with (keyed hashes depend on it).
    reuse = args.reuse and common.db_exists(DB) and SECRET_FILE.exists()
    args.reuse = reuse
    args.secret = SECRET_FILE.read_text() if reuse else secrets.token_urlsafe(50)

    m = common.print_machine("check-in throughput")
    print(
        f"   synchronous_commit={common.psql('postgres', 'show synchronous_commit')}, "
        f"{args.workers} server workers, {args.connections} connections, {args.seconds} s"
    )
    prep = prepare(args)
    env = common.production_env(
        DB,
        RAVAO_CHECKIN_RATE_LIMIT="1000000000",
        RAVAO_SCAN_RATE_LIMIT="1000000000",
        RAVAO_SECRET_KEY=args.secret,
        # Connections live through the run: the database's CPU is read from its backends' /proc
        # entries, and a backend replaced after 60 s would take its CPU with it.
        RAVAO_DB_CONN_MAX_AGE="3600",
    )
    data = {"machine": m, "args": {k: str(v) for k, v in vars(args).items() if k != "secret"}}
    runs = [("this tree", None)] + ([(f"compare {args.compare}", Path(args.compare))] if args.compare else [])
    try:
        for (label, root), requests_file in zip(runs, prep["requests_files"], strict=False):
            data[label] = measure(args, env, requests_file, label, root)
    finally:
        for requests_file in prep["requests_files"]:
            requests_file.unlink(missing_ok=True)
    rate = data["this tree"]["checkins_per_s"]
    data.update(data["this tree"])
    if not args.skip_baseline:
        (v_lo, v_hi), (p_lo, p_hi) = prep["venue_ids"], prep["person_ids"]
        base = common.pgbench_insert(
            DB,
            "INSERT INTO checkins_visit (checked_in_at, checked_out_at, checkout_method, channel, status, venue_id, "
            "person_id) VALUES (now(), now() + interval '1 hour', 'auto', 'self', 'green', :v, :p);",
            clients=args.connections,
            seconds=args.seconds,
            variables={"v": (v_lo, v_hi), "p": (p_lo, p_hi)},
        )
        print(
            f"   baseline pgbench: {base['tps']:,.0f} single-row durable inserts/s into checkins_visit "
            f"({args.connections} clients, latency {base.get('latency_ms', 0):.2f} ms)"
        )
        for label, _root in runs:
            print(f"   ratio check-ins / pgbench floor [{label}]: {data[label]['checkins_per_s'] / base['tps']:.3f}")
        data["pgbench_tps"] = base["tps"]
        data["ratio"] = rate / base["tps"]
    print(f"   load after run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"   raw figures: {common.save('checkin_throughput', data)}")


if __name__ == "__main__":
    main()
