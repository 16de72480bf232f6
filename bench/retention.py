"""Retention: purging one day of check-ins by dropping its partition, against a plain DELETE.

    .venv/bin/python bench/retention.py [--per-day 2000000] [--days 3] [--reuse]
    .venv/bin/python bench/retention.py --database bench_scale --reuse   # on the scale bench's data

Builds (or reuses) bench_retention with `ravao simulate` (the whole country, days well past the
retention period), takes the two oldest days that hold check-ins and times:

* Ravao, on the oldest day: ``partitions.drop_partitions_before`` the next day — exactly that
  one day's partition (any older partitions are empty), committed; what `ravao purge` does;
* baseline, on the next day (about the same size): ``DELETE FROM checkins_visit WHERE
  checked_in_at`` in that day (committed), then the ``VACUUM`` that must follow before the space
  is reused — what a table without partitions needs.

Then ``ravao purge`` runs on what is left, to show the whole command at this size.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--skip-purge", action="store_true", help="time the drop and the DELETE only, not `ravao purge`"
    )
    parser.add_argument(
        "--database",
        default="bench_retention",
        help="bench database (bench_*); with --reuse, e.g. bench_scale "
        "after bench/tracing_scale.py, to purge a day at that size (its two oldest days go)",
    )
    args = parser.parse_args()
    DB = args.database
    m = common.print_machine("retention: partition drop vs DELETE")
    if not (args.reuse and common.db_exists(DB)):
        common.fresh_db(DB)
        start = date.today() - timedelta(days=60)
        common.ravao(
            DB,
            "simulate",
            "--country",
            "--venues",
            "20000",
            "--people",
            str(args.people),
            "--days",
            str(args.days),
            "--checkins-per-day",
            str(args.per_day),
            "--start",
            start.isoformat(),
        )
    os.environ["DATABASE_URL"] = common.db_url(DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from ravao.checkins import partitions

    sizes = [s for s in partitions.partition_sizes() if not s[0].endswith("_default")]
    with connection.cursor() as cur:
        counts = []
        for name, _, size in sizes:
            cur.execute(f"SELECT count(*) FROM {name}")
            counts.append((cur.fetchone()[0], name, size))
    days = {n: d for d, n in partitions.existing_partitions().items()}
    total = sum(c[0] for c in counts)
    full = sorted((c for c in counts if c[0]), key=lambda c: days[c[1]])
    (rows_b, name_b, size_b), (rows, name, size) = full[0], full[1]
    print(
        f"   {total:,} check-ins in {len(counts)} partitions; the two oldest days: {name_b} ({rows_b:,} rows, "
        f"{size_b / 1e6:,.0f} MB with indexes) is dropped, {name} ({rows:,} rows, {size / 1e6:,.0f} MB) deleted"
    )

    # Baseline on the second oldest day: what an unpartitioned table would need, a DELETE of the day's
    # rows (committed) and the VACUUM that must follow before the space can be reused.
    day = days[name]
    with connection.cursor() as cur:
        t0 = time.monotonic()
        with transaction.atomic():
            cur.execute(
                "DELETE FROM checkins_visit WHERE checked_in_at >= %s AND checked_in_at < %s",
                [f"{day} 00:00+00", f"{day + timedelta(days=1)} 00:00+00"],
            )
            deleted = cur.rowcount
        t_delete = time.monotonic() - t0
        t0 = time.monotonic()
        cur.execute(f"VACUUM {name}")
        t_vacuum = time.monotonic() - t0
    print(
        f"   baseline DELETE of {deleted:,} rows (committed): {t_delete:.2f} s ({deleted / t_delete:,.0f} rows/s), "
        f"then VACUUM of the dead rows: {t_vacuum:.2f} s; total {t_delete + t_vacuum:.2f} s"
    )

    # Ravao on the oldest day: drop its partition (what `ravao purge` does).
    t0 = time.monotonic()
    dropped = partitions.drop_partitions_before(days[name_b] + timedelta(days=1))
    t_drop = time.monotonic() - t0
    print(
        f"   Ravao: drop_partitions_before({days[name_b] + timedelta(days=1)}) dropped {len(dropped)} partition(s) "
        f"({rows_b:,} rows; any others were empty) in {t_drop * 1000:.0f} ms"
    )
    print(
        f"   ratio (DELETE + VACUUM) / drop: {(t_delete + t_vacuum) / t_drop:,.1f}× "
        f"(per row: {(t_delete + t_vacuum) / deleted * 1e6:.2f} µs vs {t_drop / rows_b * 1e6:.3f} µs)"
    )

    from ravao.core.retention import purge

    t_purge, line = None, "skipped"
    if not args.skip_purge:
        t0 = time.monotonic()
        line = purge().line()
        t_purge = time.monotonic() - t0
        print(f"   ravao purge on the rest: {t_purge:.1f} s — {line}")
    print(f"   load after run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    common.save(
        "retention",
        {
            "machine": m,
            "rows": rows,
            "partition": name,
            "bytes": size,
            "delete_s": t_delete,
            "vacuum_s": t_vacuum,
            "drop_s": t_drop,
            "dropped": dropped,
            "purge_s": t_purge,
            "purge": line,
        },
    )


if __name__ == "__main__":
    main()
