"""Tracing latency as the visit table grows: bench/tracing.py at 1 M, 10 M (30 M, 100 M) check-ins.

    .venv/bin/python bench/tracing_scale.py [--sizes 1000000,10000000] [--days 14]

One database (bench_scale) grows step by step with `ravao simulate` over the same 14 days. Up to
`--country-above` check-ins (10 M) it grows inside one province (more venues, people and visits
each step: the province gets denser); past it, the rest of the country is added around it
(1 venue per 90 check-ins, 1 person per 60 — about four check-ins a day each: a national system
grows by places and people, not by visitors per place). At each size the tracing engineer's
benchmark (bench/tracing.py: F1 and F2 of a 20-visit case built from visits in the province,
with its own baseline of plain indexed range reads in the same run) runs on it. The figures show
how the cost grows with the data (target: within a factor of two from 10 M to 100 M).
Simulation time per step is printed too.

    .venv/bin/python bench/tracing_scale.py --sizes 1000000,10000000,100000000
"""

import argparse
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = "bench_scale"


def visits() -> int:
    return int(common.psql(DB, "SELECT count(*) FROM checkins_visit"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--unit", default="46")
    parser.add_argument("--country-above", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    common.print_machine("tracing latency by size")
    if not (args.reuse and common.db_exists(DB)):
        common.fresh_db(DB)
    # The last simulated day is yesterday, so that the rollup's precomputed 7-day window (ending
    # yesterday) covers simulated days when bench/coverage.py runs on the same data.
    start = date.today() - timedelta(days=args.days)
    for step, size in enumerate(sizes, start=1):
        have = visits()
        if have < size:
            add = size - have
            per_day = -(-add // args.days)
            t0 = time.monotonic()
            if size > args.country_above:
                where = ["--country", "--venues", str(add // 90), "--people", str(add // 60)]
            else:
                where = [
                    "--unit",
                    args.unit,
                    "--venues",
                    str(max(500, add // 200)),
                    "--people",
                    str(max(20_000, add // 3)),
                ]
            common.ravao(
                DB,
                "simulate",
                *where,
                "--seed",
                str(100 + step),
                "--days",
                str(args.days),
                "--checkins-per-day",
                str(per_day),
                "--start",
                start.isoformat(),
            )
            print(f"   grew to {visits():,} check-ins in {time.monotonic() - t0:.0f} s")
        out = subprocess.run(
            [
                sys.executable,
                str(common.ROOT / "bench" / "tracing.py"),
                "--database-url",
                common.db_url(DB),
                "--checkins",
                str(size),
                "--days",
                str(args.days),
                "--case-unit",
                args.unit,
            ],
            capture_output=True,
            text=True,
        )
        print(f"-- {size:,} check-ins (bench/tracing.py)")
        for line in (out.stdout + out.stderr).strip().splitlines()[-10:]:
            print("   " + line)


if __name__ == "__main__":
    main()
