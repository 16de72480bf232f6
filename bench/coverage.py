"""Benchmark: coverage figures for the whole country at scale, on PostgreSQL.

    .venv/bin/python bench/coverage.py [--venues 1000000] [--days 7] [--presence-per-day 1500000]

Builds (once; --regen to rebuild) a database with the real 2025 map (34 provinces, 3,321
communes), one million venues, seven days of per-venue-day aggregates at the volume of 100
million check-ins a month (~3.3 million scans a day), the matching (day, commune, sector,
person) presence rows and 300,000 campaign targets — generated in SQL, since no visit is read
by a page — then runs the rollup's aggregation steps on it and times, median of 5:

  * GET /api/v1/coverage for the country (34 children): one day, the last 7 days, and another
    6-day range once counted by the rollup and when first asked,
  * GET /api/v1/coverage for the largest province (its communes as children),
  * the dashboard page (HTML) of the country, of that province, and of a commune with its
    venue list;

and, as the baseline in the same run, the same country figures computed without the unit
aggregates (from the per-venue-day and presence tables, grouped through the unit closure).
Figures go to docs/performance.md. DATABASE_URL defaults to .../ravao_oversight_bench.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ravao_oversight_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")

BASE_DAY = date(2026, 11, 20)


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        if params is None:
            cur.execute(statement)
        else:
            cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


def literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def venue_insert_sql(n: int) -> str:
    """INSERT ... SELECT of n venues, whatever columns the venues app has added since."""
    from ravao.venues.models import Venue

    special = {
        "code": "'B' || lpad(g::text, 7, '0')",
        "name": "'Bench venue ' || g",
        "venue_type_id": "t.type_id",
        "sector_id": "t.sector_id",
        "unit_id": "c.id",
        "status": "CASE WHEN g % 20 = 0 THEN 'suspended' WHEN g % 50 = 1 THEN 'closed' ELSE 'active' END",
        "verified": "g % 3 <> 0",
        "default_stay_minutes": "60",
        "created_at": "now()",
        "natural_key": "'bench-' || g",
        "search_key": "'bench venue ' || g",
    }
    columns, values = [], []
    for f in Venue._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        if f.column in special:
            values.append(special[f.column])
        elif f.null:
            values.append("NULL")
        elif f.has_default() and not callable(f.default):
            values.append(literal(f.default))
        elif f.get_internal_type() in ("CharField", "TextField", "SlugField"):
            values.append("''")
        elif f.get_internal_type() == "DateTimeField":
            values.append("now()")
        else:
            values.append("0")
    return (
        f"INSERT INTO venues_venue ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM generate_series(1::bigint, {n}) g JOIN bench_type t ON t.n = g % (SELECT count(*) FROM bench_type) "
        f"JOIN bench_commune c ON c.n = (g * 7919) % (SELECT count(*) FROM bench_commune)"
    )


def generate(*, venues: int, days: int, presence_per_day: int) -> None:
    from ravao.oversight.rollup import closure_refresh, generations, roll_stock, roll_unit_day

    t0 = time.monotonic()
    for table in [
        "oversight_rangevisitors",
        "oversight_unitday",
        "oversight_unitstock",
        "oversight_presenceday",
        "oversight_venueday",
        "oversight_targetestablishment",
    ]:
        sql(f"TRUNCATE {table}")
    sql("DELETE FROM venues_venue WHERE code LIKE 'B%' AND name LIKE 'Bench venue %'")
    sql("DROP TABLE IF EXISTS bench_commune; DROP TABLE IF EXISTS bench_type")
    sql(
        "CREATE TABLE bench_commune AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM units_unit "
        "WHERE generation = '2025' AND level = 'commune'"
    )
    sql(
        "CREATE TABLE bench_type AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id AS type_id, sector_id "
        "FROM catalog_venuetype"
    )
    sql(venue_insert_sql(venues))
    print(f"  {venues:,} venues in {time.monotonic() - t0:.1f} s", flush=True)
    t0 = time.monotonic()
    # ~60% of venues scan on a given day, 1–10 scans each: ~3.3 million scans a day.
    for k in range(days):
        day = BASE_DAY - timedelta(days=k)
        sql(
            "INSERT INTO oversight_venueday (venue_id, day, unit_id, sector_id, scans, visitors, first_scan_at, "
            "last_scan_at) "
            "SELECT id, %s, unit_id, sector_id, 1 + (id * 31 + %s * 17) %% 10, 1 + (id * 31 + %s * 17) %% 8, "
            "now(), now() "
            "FROM venues_venue WHERE (id * 13 + %s * 7) %% 10 < 6",
            [day, k, k, k],
        )
    print(f"  {days} days of venue-day rows in {time.monotonic() - t0:.1f} s", flush=True)
    t0 = time.monotonic()
    lo, hi = sql("SELECT min(id), max(id) FROM venues_venue")[0]
    for k in range(days):
        day = BASE_DAY - timedelta(days=k)
        sql(
            "INSERT INTO oversight_presenceday (day, unit_id, sector_id, person_id) "
            "SELECT %s, v.unit_id, v.sector_id, (g * 2654435761 + %s * 97) %% 20000000 "
            "FROM generate_series(1::bigint, %s::bigint) g JOIN venues_venue v ON v.id = %s + (g * 7919) %% (%s - "
            "%s + 1)",
            [day, k, presence_per_day, lo, hi, lo],
        )
    sql("ANALYZE")
    print(f"  {days * presence_per_day:,} presence rows in {time.monotonic() - t0:.1f} s", flush=True)
    sql(
        "INSERT INTO oversight_targetestablishment (unit_id, name, venue_type_id, sector_id, address, phone, status, "
        "venue_id, notes, source, created_at, updated_at) SELECT unit_id, name, venue_type_id, sector_id, '', '', "
        "'registered', id, '', 'bench', now(), now() FROM venues_venue WHERE id % 5 = 0"
    )
    sql(
        "INSERT INTO oversight_targetestablishment (unit_id, name, venue_type_id, sector_id, address, phone, status, "
        "notes, source, created_at, updated_at) SELECT unit_id, 'Target ' || id, venue_type_id, sector_id, '', '', "
        "'not_visited', '', 'bench', now(), now() FROM venues_venue WHERE id % 10 = 3"
    )
    t0 = time.monotonic()
    closure = closure_refresh(force=True)
    gens = generations()
    for k in reversed(range(days)):
        roll_unit_day(BASE_DAY - timedelta(days=k), closure, gens)
    roll_stock(closure, gens)
    sql("VACUUM ANALYZE")  # what autovacuum does within minutes (oversight 0006): index-only range reads
    print(f"  aggregates built in {time.monotonic() - t0:.1f} s", flush=True)


def rollup_costs(venues: int) -> None:
    """What the background job pays at this scale (not a page view)."""
    from datetime import datetime
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction

    from ravao.oversight.rollup import (
        closure_refresh,
        generations,
        refresh_windows,
        roll_stock,
        roll_unit_day,
    )

    closure, gens = closure_refresh(), generations()
    with transaction.atomic():
        t = time.monotonic()
        roll_unit_day(BASE_DAY, closure, gens)
        print(f"  rollup: unit figures of one day from its venue-day and presence rows: {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        roll_stock(closure, gens)
        print(f"  rollup: stock of {venues:,} venues and the targets: {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        now = datetime.combine(BASE_DAY + timedelta(days=1), dtime(9), tzinfo=ZoneInfo(settings.TIME_ZONE))
        refresh_windows(now=now, force=True)
        print(
            f"  rollup: 7-day unique-visitor windows (two windows, every unit and sector): "
            f"{time.monotonic() - t:.1f} s",
            flush=True,
        )


def timed(fn, runs: int = 5) -> tuple[float, float]:
    fn()  # warm the connection and caches once
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def baseline_country_day(day: date) -> None:
    """The country's children figures without UnitDay/UnitStock: grouped through the closure."""
    provinces = [r[0] for r in sql("SELECT id FROM units_unit WHERE generation = '2025' AND depth = 1")]
    marks = ",".join(["%s"] * len(provinces))
    sql(
        f"SELECT c.ancestor_id, SUM(vd.scans), COUNT(*) FROM oversight_venueday vd JOIN oversight_unitclosure c "
        f"ON c.unit_id = vd.unit_id WHERE vd.day = %s AND c.ancestor_id IN ({marks}) GROUP BY 1",
        [day, *provinces],
    )
    sql(
        f"SELECT c.ancestor_id, COUNT(DISTINCT vd.venue_id) FROM oversight_venueday vd JOIN oversight_unitclosure c "
        f"ON c.unit_id = vd.unit_id WHERE vd.day BETWEEN %s AND %s AND c.ancestor_id IN ({marks}) GROUP BY 1",
        [day - timedelta(days=6), day, *provinces],
    )
    sql(
        f"SELECT c.ancestor_id, COUNT(*) FILTER (WHERE v.status <> 'closed'), COUNT(*) FILTER (WHERE NOT v.verified) "
        f"FROM venues_venue v JOIN oversight_unitclosure c ON c.unit_id = v.unit_id "
        f"WHERE c.ancestor_id IN ({marks}) GROUP BY 1",
        provinces,
    )
    sql(
        f"SELECT c.ancestor_id, COUNT(DISTINCT p.person_id) FROM oversight_presenceday p JOIN oversight_unitclosure c "
        f"ON c.unit_id = p.unit_id WHERE p.day = %s AND c.ancestor_id IN ({marks}) GROUP BY 1",
        [day, *provinces],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venues", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--presence-per-day", type=int, default=1_500_000)
    parser.add_argument("--regen", action="store_true")
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        default=BASE_DAY,
        help="the day timed (default %(default)s; on bench_scale: yesterday, the last simulated day)",
    )
    parser.add_argument("--no-rollup-costs", action="store_true", help="Only time the pages (skips minutes of rollup).")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from ravao.accounts.models import Role, User
    from ravao.oversight.models import RangeVisitors, UnitStock
    from ravao.testing import ApiClient
    from ravao.units.models import Unit
    from ravao.venues.models import Venue

    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(generation="2025").exists():
        call_command("loadunits", generation="2025", verbosity=0)
    if args.regen or not UnitStock.objects.exists():
        print("generating the dataset (once; --regen to rebuild):", flush=True)
        generate(venues=args.venues, days=args.days, presence_per_day=args.presence_per_day)
    if not args.no_rollup_costs:
        print("rollup costs at this scale:", flush=True)
        rollup_costs(Venue.objects.count())
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.NATIONAL_ADMIN})
    api = ApiClient(admin)
    page = Client()
    page.force_login(admin)
    day, week = args.day.isoformat(), (args.day - timedelta(days=6)).isoformat()
    six = (args.day - timedelta(days=5)).isoformat()
    biggest = sorted(Unit.objects.filter(generation="2025", depth=1), key=lambda u: -u.children.count())[0]
    commune = biggest.children.order_by("code").first()
    counts = sql(
        "SELECT (SELECT count(*) FROM venues_venue), (SELECT coalesce(sum(scans), 0) FROM oversight_venueday), "
        "(SELECT count(*) FROM oversight_presenceday), (SELECT count(*) FROM oversight_unitday), "
        "(SELECT count(*) FROM units_unit WHERE generation = '2025')"
    )[0]
    print(
        f"dataset: {counts[0]:,} venues, {counts[1]:,} scans in the venue-day rows, {counts[2]:,} presence rows, "
        f"{counts[3]:,} unit-day rows, {counts[4]:,} units"
    )

    def ok(response):
        assert response.status_code == 200, response.content[:300]
        return response

    def clear_memo():
        RangeVisitors.objects.filter(window=False).delete()

    def count_the_asks():
        """What the next rollup run does with the ranges pages asked for (not a page view)."""
        from django.utils import timezone

        from ravao.oversight.ranges import count_asked

        clear_memo()
        ok(api.get("/coverage", to=day, **{"from": six}))  # the page asks
        t = time.perf_counter()
        count_asked(now=timezone.now())
        print(
            f"  rollup run: counting the asked 6-day range of the country: {time.perf_counter() - t:.1f} s", flush=True
        )

    cases = [
        ("API coverage, country, 1 day", lambda: ok(api.get("/coverage", to=day, **{"from": day}))),
        (
            "API coverage, country, last 7 days (precomputed window)",
            lambda: ok(api.get("/coverage", to=day, **{"from": week})),
        ),
        (
            MEMOISED := "API coverage, country, other 6-day range, memoised (after the rollup run counted it)",
            lambda: ok(api.get("/coverage", to=day, **{"from": six})),
        ),
        (
            "API coverage, country, other 6-day range, first ask (big units pending until the next rollup run)",
            lambda: (clear_memo(), ok(api.get("/coverage", to=day, **{"from": six}))),
        ),
        (
            f"API coverage, {biggest.name} ({biggest.children.count()} communes), 1 day",
            lambda: ok(api.get("/coverage", unit=biggest.code, to=day, **{"from": day})),
        ),
        (
            f"API coverage, {biggest.name}, last 7 days (precomputed window)",
            lambda: ok(api.get("/coverage", unit=biggest.code, to=day, **{"from": week})),
        ),
        (
            f"API coverage, {biggest.name}, other 6-day range, first ask",
            lambda: (clear_memo(), ok(api.get("/coverage", unit=biggest.code, to=day, **{"from": six}))),
        ),
        ("Dashboard page, whole country, 1 day", lambda: ok(page.get("/oversight/", {"from": day, "to": day}))),
        ("Dashboard page, whole country, last 7 days", lambda: ok(page.get("/oversight/", {"from": week, "to": day}))),
        (
            f"Dashboard page, {biggest.name}, last 7 days",
            lambda: ok(page.get("/oversight/", {"unit": biggest.code, "from": week, "to": day})),
        ),
        (
            f"Dashboard page, commune {commune.name} with its venue list, 7 days",
            lambda: ok(page.get("/oversight/", {"unit": commune.code, "from": week, "to": day})),
        ),
        (
            "Baseline: country children figures from venue-day/presence rows (no unit aggregates)",
            lambda: baseline_country_day(args.day),
        ),
    ]
    before = {MEMOISED: count_the_asks}  # untimed preparation of a case
    results = []
    for label, fn in cases:
        if label in before:
            before[label]()
        median, worst = timed(fn)
        results.append((label, median, worst))
        print(f"{median:9.1f} ms median {worst:9.1f} ms max  {label}", flush=True)
    base = results[-1][1]
    print(f"ratio baseline / API coverage country 1 day: {base / results[0][1]:.0f}×")


if __name__ == "__main__":
    main()
