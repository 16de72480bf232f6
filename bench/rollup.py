"""Benchmark: the oversight rollup at national scale — incremental runs against whole-day re-rolls.

    .venv/bin/python bench/rollup.py [--venues 50000 --people 200000 --days 3 --per-day 1000000]
                                     [--batches 5000,50000] [--reuse]

On its own database ``bench_rollup`` (dropped and rebuilt unless --reuse) filled by
``ravao simulate --country`` (every commune of the country), it times:

  (a) a full rollup (the first run: every day re-rolled from the visits),
  (b) steady-state runs after adding N new visits (a minute of check-ins: copies of existing
      rows with times in the last minute, 2 % of them late uploads for the previous days),
  (c) baseline, same run, same data: the whole-day re-roll that every run used to do — the
      previous rollup's ``roll_day`` of today plus its stock rebuild, loaded from git
      (BASELINE_COMMIT), in a transaction that is rolled back. Its UnitDay rows of today are
      compared with the incremental ones (they must be identical). Today is only as full as the
      time of day makes it, so the same re-roll of yesterday (a whole day) is timed too;
  (d) the background count of a multi-day unique-visitor range for the country and its
      provinces (what a page asks the rollup for instead of computing it on the spot).
"""

import argparse
import os
import subprocess
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import ROOT, db_exists, db_url, fresh_db, print_machine, psql, ravao, save  # noqa: E402

DB = "bench_rollup"
BASELINE_COMMIT = "a87b79e"  # the last whole-day rollup


def old_rollup_module():
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:ravao/oversight/rollup.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("ravao_oversight_rollup_wholeday")
    exec(compile(source, "rollup_wholeday.py", "exec"), module.__dict__)  # our own file, from git
    return module


class Rollback(Exception):
    pass


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params or [])
        return cur.fetchall() if cur.description else None


def add_visits(n: int, batch: int) -> None:
    """n new visits: venues and people of existing visits (paired at random), checked in during
    the last minute; 2 % late uploads spread over the previous days."""
    late = n // 50
    total = sql("SELECT max(id) FROM checkins_visit")[0][0]
    m1, m2 = max(2, total // (2 * n)), max(2, total // (2 * n) + 1)
    sql(
        "INSERT INTO checkins_visit (checked_in_at, checked_out_at, checkout_method, channel, status, venue_id, "
        "person_id) "
        "SELECT t, t + interval '1 hour', 'auto', 'self', 'undeclared', a.venue_id, b.person_id FROM "
        "(SELECT venue_id, row_number() OVER () rn FROM checkins_visit WHERE id %% %s = %s LIMIT %s) a "
        "JOIN (SELECT person_id, row_number() OVER () rn FROM checkins_visit WHERE id %% %s = %s LIMIT %s) b USING "
        "(rn) "
        "CROSS JOIN LATERAL (SELECT CASE WHEN a.rn <= %s THEN now() - (1 + (a.rn %% 3)) * interval '1 day' "
        "- (a.rn %% 600) * interval '1 minute' ELSE now() - (a.rn %% 60) * interval '1 second' END AS t) x",
        [m1, batch % m1, n, m2, (batch * 7) % m2, n, late],
    )


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venues", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--per-day", type=int, default=1_000_000)
    parser.add_argument("--batches", default="5000,50000")
    parser.add_argument("--reuse", action="store_true", help="keep bench_rollup's visits (aggregates are rebuilt)")
    args = parser.parse_args()
    machine = print_machine("oversight rollup: incremental runs vs whole-day re-rolls")
    if not (args.reuse and db_exists(DB)):
        t0 = time.monotonic()
        fresh_db(DB)
        ravao(
            DB,
            "simulate",
            "--country",
            "--seed",
            "7",
            "--venues",
            str(args.venues),
            "--people",
            str(args.people),
            "--days",
            str(args.days),
            "--checkins-per-day",
            str(args.per_day),
        )
        print(f"   built in {time.monotonic() - t0:.0f} s")
    else:
        ravao(DB, "migrate", "--noinput", quiet=True)
    os.environ["DATABASE_URL"] = db_url(DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from ravao.oversight import ranges
    from ravao.oversight.models import PresenceDay, UnitDay, VenueDay
    from ravao.oversight.rollup import (
        closure_refresh,
        day_bounds,
        generations,
        local_day,
        roll_stock,
        rollup,
    )

    for table in [
        "oversight_venueday",
        "oversight_presenceday",
        "oversight_unitday",
        "oversight_unitstock",
        "oversight_rangevisitors",
        "oversight_rollupstate",
    ]:
        sql(f"TRUNCATE {table}")
    sql("ANALYZE")
    visits = sql("SELECT count(*) FROM checkins_visit")[0][0]
    today = local_day(timezone.now())
    yesterday = today - timedelta(days=1)
    per_day = {
        d: sql(
            "SELECT count(*) FROM checkins_visit WHERE checked_in_at >= %s AND checked_in_at < %s", list(day_bounds(d))
        )[0][0]
        for d in (yesterday, today)
    }
    print(
        f"   data: {visits:,} visits; today ({today}) so far {per_day[today]:,}, yesterday {per_day[yesterday]:,}; "
        f"{args.venues:,} venues"
    )
    results = {"machine": machine, "visits": visits, "per_day": {str(k): v for k, v in per_day.items()}}

    wall, out = timed(lambda: rollup())
    results["full"] = {"s": wall, **out}
    print(f"(a) full rollup (first run, {out['days']} days re-rolled, {out['visits']:,} visits): {wall:.1f} s")
    print(
        f"    rows: {VenueDay.objects.count():,} venue-days, {PresenceDay.objects.count():,} presence, "
        f"{UnitDay.objects.count():,} unit-days"
    )
    for table in ["oversight_presenceday", "oversight_venueday", "oversight_unitday", "oversight_rangevisitors"]:
        psql(DB, f"VACUUM ANALYZE {table}")  # as autovacuum would after a bulk load
    rollup()  # settle: a run with nothing new
    old = old_rollup_module()
    closure, gens = closure_refresh(), generations()
    results["runs"] = []
    for i, n in enumerate(int(x) for x in args.batches.split(",")):
        add_visits(n, i + 1)
        wall, out = timed(lambda: rollup())
        mine = sorted(
            UnitDay.objects.filter(day=today).values_list(
                "generation", "unit_id", "sector_id", "scans", "visitors", "active_24h", "active_7d"
            ),
            key=repr,
        )
        timings = {}
        try:
            with transaction.atomic():
                timings["roll_day"], _ = timed(lambda: old.roll_day(today, closure, gens))
                theirs = sorted(
                    UnitDay.objects.filter(day=today).values_list(
                        "generation", "unit_id", "sector_id", "scans", "visitors", "active_24h", "active_7d"
                    ),
                    key=repr,
                )
                timings["old_stock"], _ = timed(lambda: old.roll_stock(closure, gens))
                raise Rollback
        except Rollback:
            pass
        try:  # the same re-roll of a whole day (yesterday): what every run paid by the end of a day
            with transaction.atomic():
                timings["roll_full_day"], _ = timed(lambda: old.roll_day(yesterday, closure, gens))
                raise Rollback
        except Rollback:
            pass
        try:
            with transaction.atomic():
                timings["new_stock"], _ = timed(lambda: roll_stock(closure, gens))
                raise Rollback
        except Rollback:
            pass
        baseline = timings["roll_day"] + timings["old_stock"]
        run = {
            "new_visits": n,
            "incremental_s": wall,
            "rollup_ms": out["ms"],
            "baseline_s": baseline,
            "baseline_roll_day_s": timings["roll_day"],
            "baseline_stock_s": timings["old_stock"],
            "baseline_full_day_s": timings["roll_full_day"] + timings["old_stock"],
            "stock_s": timings["new_stock"],
            "identical_today": mine == theirs,
            "gaps": out["gaps"],
        }
        results["runs"].append(run)
        print(
            f"(b) {n:,} new visits: incremental run {wall:.2f} s "
            f"(stock figures checked alone: {timings['new_stock']:.2f} s)"
        )
        print(
            f"(c)    baseline whole-day re-roll of today: {baseline:.2f} s (roll_day {timings['roll_day']:.2f} s "
            f"+ stock {timings['old_stock']:.2f} s) — ratio {baseline / wall:.1f}x; today's unit-day rows "
            f"{'identical' if mine == theirs else 'DIFFER'}"
        )
        full_day = timings["roll_full_day"] + timings["old_stock"]
        print(
            f"(c)    baseline at the end of a day (yesterday, {per_day[yesterday]:,} visits, re-rolled whole): "
            f"{full_day:.2f} s — ratio {full_day / wall:.1f}x"
        )
    # (d) what the rollup pays for a country-wide multi-day range a page asked for.
    from ravao.units.models import Unit

    provinces = list(Unit.objects.filter(generation="2025", depth=1).values_list("id", flat=True))
    first = sql("SELECT min(day) FROM oversight_presenceday")[0][0]
    wall, _ = timed(
        lambda: ranges.range_counts(
            generation="2025", sector_id=None, first=first, last=today, unit_ids=provinces, whole=True
        )
    )
    results["range_count_s"] = wall
    print(
        f"(d) unique visitors {first}..{today} for the country and its {len(provinces)} provinces "
        f"(counted by the rollup when a page asks): {wall:.1f} s"
    )
    print(f"   load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"   saved {save('rollup', results)}")


if __name__ == "__main__":
    main()
