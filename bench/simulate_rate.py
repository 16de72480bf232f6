"""Simulator speed: `ravao simulate` rows per second, against raw COPY of the same rows.

    .venv/bin/python bench/simulate_rate.py [--checkins 1000000] [--days 2] [--people 200000]

Builds a fresh bench database (bench_sim, the 2025 map), simulates the whole country and
reports, per phase, wall time, client CPU (this process and its encryption workers) and server
CPU (the PostgreSQL backend, read from /proc: same host). Baseline in the same run: the visits
just written, exported with COPY TO and loaded again with a bare COPY FROM into the same
partitioned table (same indexes, foreign-key triggers off as in the simulator's bulk mode,
rolled back) — the server's floor for loading these rows. On a shared machine the CPU times
say more than wall time: the extrapolation to 100 million check-ins uses both.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = "bench_sim"
COLUMNS = (
    "checked_in_at, checked_out_at, checkout_method, channel, status, companion_of, entrance_id, "
    "person_id, trip_id, venue_id"
)


def server_cpu(conn) -> float:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkins", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--venues", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    m = common.print_machine("simulator rate")
    common.fresh_db(DB)
    os.environ["DATABASE_URL"] = common.db_url(DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
    import django

    django.setup()
    from django.db import connection

    from ravao.simulate.generator import Options, Simulation

    marks = []
    connection.ensure_connection()
    s0, c0, w0 = server_cpu(connection), client_cpu(), time.monotonic()

    def progress(line):
        marks.append((line, time.monotonic() - w0, client_cpu() - c0, server_cpu(connection) - s0))

    per_day = args.checkins // args.days
    start = date.today() - timedelta(days=args.days + 1)
    sim = Simulation(
        Options(
            seed=args.seed,
            venues=args.venues,
            people=args.people,
            days=args.days,
            checkins_per_day=per_day,
            start=start,
        ),
        progress=progress,
    )
    summary = sim.run()
    progress("end")
    wall, ccpu, scpu = marks[-1][1:]
    setup = next(m for m in marks if m[0].startswith("wrote venues"))
    last_day = [m for m in marks if m[0].startswith("day ")][-1]
    v_wall, v_client, v_server = (last_day[i] - setup[i] for i in (1, 2, 3))
    print(f"   {summary.line()}")
    print(
        f"   venues+people: {setup[1]:.1f} s wall, {setup[2]:.1f} s client CPU, {setup[3]:.1f} s server CPU "
        f"({args.people / setup[1]:,.0f} people/s wall)"
    )
    print(
        f"   check-ins: {v_wall:.1f} s wall ({summary.visits / v_wall:,.0f}/s), {v_client:.1f} s client CPU "
        f"({summary.visits / v_client:,.0f}/s), {v_server:.1f} s server CPU ({summary.visits / v_server:,.0f}/s)"
    )
    print(f"   whole run: {wall:.1f} s wall, {ccpu:.1f} s client CPU, {scpu:.1f} s server CPU")

    # Baseline: the same visits, exported and loaded again by a bare COPY (rolled back).
    dump = Path(f"/tmp/ravao-sim-{os.getpid()}.tsv")
    subprocess.run(
        ["psql", common.db_url(DB), "-qc", f"\\copy (SELECT {COLUMNS} FROM checkins_visit) TO '{dump}'"], check=True
    )
    with connection.cursor() as cur:
        cur.execute("BEGIN")
        cur.execute("SET LOCAL session_replication_role = replica")
        b0, t0 = server_cpu(connection), time.monotonic()
        with cur.cursor.copy(f"COPY checkins_visit ({COLUMNS}) FROM STDIN") as copy, dump.open("rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        b_wall, b_server = time.monotonic() - t0, server_cpu(connection) - b0
        cur.execute("ROLLBACK")
    dump.unlink(missing_ok=True)
    n = summary.visits
    print(
        f"   baseline bare COPY of the same {n:,} rows: {b_wall:.1f} s wall ({n / b_wall:,.0f}/s), "
        f"{b_server:.1f} s server CPU ({n / b_server:,.0f}/s)"
    )
    print(f"   ratio simulator / bare COPY (check-in phase, wall): {b_wall / v_wall:.2f}")
    # Extrapolation: 100 M check-ins with 10 M people, both processes on their own core.
    people_s = setup[1] / args.people * 10_000_000
    visits_s = max(v_client, v_server) / n * 100_000_000
    print(
        f"   extrapolated (not measured): 100 M check-ins + 10 M people ≈ {(people_s + visits_s) / 60:.0f} min "
        f"on 2 free cores (visits {visits_s / 60:.0f} min bound by the busier of client/server CPU, "
        f"people {people_s / 60:.0f} min at this run's wall rate)"
    )
    print(f"   load after run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    common.save(
        "simulate_rate",
        {
            "machine": m,
            "args": vars(args),
            "marks": marks,
            "baseline_wall": b_wall,
            "baseline_server_cpu": b_server,
            "visits": n,
        },
    )


if __name__ == "__main__":
    main()
