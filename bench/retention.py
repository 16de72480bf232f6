"""Retention: purging one day of check-ins by dropping its partition, against a plain DELETE.

    .venv/bin/python bench/retention.py [--per-day 2000000] [--days 3] [--reuse]

Builds (or reuses) bench_retention with `ravao simulate` (the whole country, days well past the
retention period), picks the fullest daily partition and times, on the same rows:

* baseline: ``DELETE FROM checkins_visit WHERE checked_in_at`` in that day (through the
  partitioned table, as an unpartitioned design would do), rolled back so that the rows stay —
  a committed DELETE would also leave every row dead for VACUUM to clean, not counted here;
* Ravao: ``ravao.checkins.partitions.drop_partitions_before`` for that day's partition
  (catalogue work plus unlinking files, committed).

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

DB = "bench_retention"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    m = common.print_machine("retention: partition drop vs DELETE")
    if not (args.reuse and common.db_exists(DB)):
        common.fresh_db(DB)
        start = date.today() - timedelta(days=60)
        common.ravao(DB, "simulate", "--country", "--venues", "20000", "--people", str(args.people), "--days",
                     str(args.days), "--checkins-per-day", str(args.per_day), "--start", start.isoformat())
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
    rows, name, size = max(counts)
    day = next(d for d, n in partitions.existing_partitions().items() if n == name)
    total = sum(c[0] for c in counts)
    print(f"   {total:,} check-ins in {len(counts)} partitions; the fullest: {name}, {rows:,} rows, {size / 1e6:,.0f} MB "
          "with its indexes")

    with connection.cursor() as cur:
        cur.execute("BEGIN")
        t0 = time.monotonic()
        cur.execute("DELETE FROM checkins_visit WHERE checked_in_at >= %s AND checked_in_at < %s",
                    [f"{day} 00:00+00", f"{day + timedelta(days=1)} 00:00+00"])
        deleted = cur.rowcount
        t_delete = time.monotonic() - t0
        cur.execute("ROLLBACK")
    print(f"   baseline plain DELETE of the day: {deleted:,} rows in {t_delete:.2f} s ({deleted / t_delete:,.0f} rows/s), "
          "rolled back; VACUUM of the dead rows not counted")

    t0 = time.monotonic()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [partitions.LOCK_KEY])
        cur.execute(f"DROP TABLE {name}")
    t_drop = time.monotonic() - t0
    print(f"   Ravao partition drop of the same day: {t_drop * 1000:.1f} ms")
    print(f"   ratio DELETE / drop: {t_delete / t_drop:,.0f}×")

    from ravao.checkins.retention import purge

    t0 = time.monotonic()
    report = purge()
    t_purge = time.monotonic() - t0
    print(f"   ravao purge on the rest: {t_purge:.1f} s — {report.line()}")
    print(f"   load after run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    common.save("retention", {"machine": m, "rows": rows, "partition": name, "bytes": size, "delete_s": t_delete,
                              "drop_s": t_drop, "purge_s": t_purge, "purge": report.line()})


if __name__ == "__main__":
    main()
