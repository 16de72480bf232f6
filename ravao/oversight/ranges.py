"""Exact unique visitors over ranges of several days (``RangeVisitors``), kept by the rollup.

Distinct people cannot be added up across days, so a range needs its own count. The rollup
computes it once (windows: the 7 days ending today and yesterday, for every unit and sector,
when a day starts; memos: the ranges pages asked for, at the next run) and from then on adds,
at every run, the people the new presence rows bring into the range: a person counts for a
unit and sector if they had no presence row under that unit (and sector) in the range before.
So every stored figure is exact as of the last run. Only the rollup writes figures; pages only
read them, count small scopes on the spot (:func:`range_counts`), or ask for a count (a row
with no figure) that the next run fills.
"""

import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection

from ravao.core.dbrouting import read_connection
from ravao.oversight.models import PresenceDay, RangeVisitors, RollupState, UnitClosure
from ravao.units.models import Unit

WINDOW_DAYS = 7
WINDOW_STATE = "windows"
MEMO_DAYS = 2  # memos are counted afresh (on request) after this many days


def sync_max() -> int:
    """Pages count a range on the spot when the range's daily visitors add up to at most this."""
    return int(getattr(settings, "RAVAO_RANGE_SYNC_MAX", 100_000))


def budget_seconds() -> float:
    return float(getattr(settings, "RAVAO_ROLLUP_RANGE_BUDGET_SECONDS", 30))


def probe() -> str:
    """Ends a NOT EXISTS subquery so that PostgreSQL probes the index once per outer row (a
    sublink with OFFSET is not turned into a hash anti-join over the whole table)."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def _tables():
    return PresenceDay._meta.db_table, UnitClosure._meta.db_table, Unit._meta.db_table, RangeVisitors._meta.db_table


def range_counts(
    *, generation: str, sector_id: int | None, first: date, last: date, unit_ids: list[int], whole: bool
) -> dict:
    """Exact distinct people of the presence rows in [first, last] under each unit of
    ``unit_ids`` (and, with ``whole``, in the whole generation: key None)."""
    from ravao.oversight.rollup import big_sort_memory

    pd_t, cl_t, u_t, _ = _tables()
    sector_sql, sector_params = ("AND p.sector_id = %s", [sector_id]) if sector_id is not None else ("", [])
    out = {}
    with read_connection().cursor() as cur:  # a replica inside reading_from_replica()
        big_sort_memory(cur)
        if unit_ids:
            marks = ", ".join(["%s"] * len(unit_ids))
            cur.execute(
                f"SELECT a, COUNT(*) FROM (SELECT DISTINCT c.ancestor_id a, p.person_id FROM {pd_t} p "
                f"JOIN {cl_t} c ON c.unit_id = p.unit_id WHERE p.day >= %s AND p.day <= %s {sector_sql} "
                f"AND c.ancestor_id IN ({marks})) d GROUP BY a",
                [first, last, *sector_params, *unit_ids],
            )
            found = dict(cur.fetchall())
            out.update({uid: found.get(uid, 0) for uid in unit_ids})
        if whole:
            cur.execute(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT p.person_id FROM {pd_t} p JOIN {u_t} u ON u.id = p.unit_id "
                f"WHERE u.generation = %s AND p.day >= %s AND p.day <= %s {sector_sql}) d",
                [generation, first, last, *sector_params],
            )
            out[None] = cur.fetchone()[0]
    return out


# ------------------------------------------------------------------- increments (each run)


def add_new_people(new_presence: str, old: str, old_keys: str, *, apply) -> int:
    """Add to every counted range the people that the rows of the temporary table
    ``new_presence`` (day, unit_id, sector_id, person_id, generation; rows not yet in
    PresenceDay) bring into it. ``old``: those people's earlier presence rows over the ranges'
    days (person_id, day, unit_id, sector_id, generation); ``old_keys``: the same with every
    unit above (person_id, day, ancestor_id, sector_id). Returns rows updated."""
    _pd_t, cl_t, u_t, rv_t = _tables()
    sector_match = "(r.sector_id IS NULL OR r.sector_id = n.sector_id)"
    old_sector = "(r.sector_id IS NULL OR o.sector_id = r.sector_id)"
    queries = [
        # Ranges of a unit: the unit or any unit above the presence row's unit.
        f"SELECT r.id, COUNT(*) FROM (SELECT DISTINCT r.id AS rid, n.person_id AS p FROM {new_presence} n "
        f"JOIN {cl_t} c ON c.unit_id = n.unit_id JOIN {rv_t} r ON r.unit_id = c.ancestor_id "
        f"AND r.first_day <= n.day AND r.last_day >= n.day AND {sector_match} WHERE r.visitors IS NOT NULL) k "
        f"JOIN {rv_t} r ON r.id = k.rid WHERE NOT EXISTS (SELECT 1 FROM {old_keys} o WHERE o.person_id = k.p "
        f"AND o.ancestor_id = r.unit_id AND o.day >= r.first_day AND o.day <= r.last_day AND {old_sector}) "
        f"GROUP BY r.id",
        # Ranges of a whole generation.
        f"SELECT r.id, COUNT(*) FROM (SELECT DISTINCT r.id AS rid, n.person_id AS p FROM {new_presence} n "
        f"JOIN {rv_t} r ON r.unit_id IS NULL AND r.generation = n.generation "
        f"AND r.first_day <= n.day AND r.last_day >= n.day AND {sector_match} WHERE r.visitors IS NOT NULL) k "
        f"JOIN {rv_t} r ON r.id = k.rid WHERE NOT EXISTS (SELECT 1 FROM {old} o WHERE o.person_id = k.p "
        f"AND o.generation = r.generation AND o.day >= r.first_day AND o.day <= r.last_day AND {old_sector}) "
        f"GROUP BY r.id",
    ]
    rows = []
    with connection.cursor() as cur:
        for sql in queries:
            cur.execute(sql)
            rows += cur.fetchall()
    apply(rv_t, ["visitors"], rows)
    return len(rows) + _new_window_keys(new_presence)


def _new_window_keys(new_presence: str) -> int:
    """Windows have a row for every key with people in the range: a key with none yet gets one
    (all its people are new)."""
    _pd_t, cl_t, u_t, rv_t = _tables()
    window = connection.ops.quote_name("window")
    ranges_ = RangeVisitors.objects.filter(window=True).values_list("first_day", "last_day").distinct()
    made = []
    for first, last in ranges_:
        for sector, match, by in (
            ("n.sector_id", "r.sector_id = n.sector_id", ", n.sector_id"),
            ("NULL", "r.sector_id IS NULL", ""),
        ):
            for sql in (
                f"SELECT u.generation, c.ancestor_id, {sector}, COUNT(DISTINCT n.person_id) FROM {new_presence} n "
                f"JOIN {cl_t} c ON c.unit_id = n.unit_id JOIN {u_t} u ON u.id = c.ancestor_id "
                f"WHERE n.day >= %s AND n.day <= %s AND NOT EXISTS (SELECT 1 FROM {rv_t} r WHERE r.{window} "
                f"AND r.first_day = %s AND r.last_day = %s AND r.unit_id = c.ancestor_id AND {match}) "
                f"GROUP BY u.generation, c.ancestor_id{by}",
                f"SELECT n.generation, NULL, {sector}, COUNT(DISTINCT n.person_id) FROM {new_presence} n "
                f"WHERE n.day >= %s AND n.day <= %s AND NOT EXISTS (SELECT 1 FROM {rv_t} r WHERE r.{window} "
                f"AND r.first_day = %s AND r.last_day = %s AND r.unit_id IS NULL AND r.generation = n.generation "
                f"AND {match}) GROUP BY n.generation{by}",
            ):
                with connection.cursor() as cur:
                    cur.execute(sql, [first, last, first, last])
                    made += [
                        RangeVisitors(
                            generation=g,
                            unit_id=u,
                            sector_id=sec,
                            first_day=first,
                            last_day=last,
                            visitors=n,
                            window=True,
                        )
                        for g, u, sec, n in cur.fetchall()
                    ]
    RangeVisitors.objects.bulk_create(made, batch_size=5000)
    return len(made)


# ------------------------------------------------------------------------- full counts


def _store_all_keys(first: date, last: date, *, now: datetime, window: bool) -> None:
    """Count [first, last] for every unit, sector and generation and store it."""
    from ravao.oversight.rollup import _distinct_by_key

    pd_t = PresenceDay._meta.db_table
    counts = _distinct_by_key(pd_t, "t.day >= %s AND t.day <= %s", [first, last], "person_id")
    RangeVisitors.objects.filter(first_day=first, last_day=last, window=True).delete()
    RangeVisitors.objects.bulk_create(
        [
            RangeVisitors(
                generation=gen,
                unit_id=unit,
                sector_id=sector,
                first_day=first,
                last_day=last,
                visitors=n,
                window=window,
                computed_at=now,
            )
            for (gen, unit, sector), n in counts.items()
            if gen is not None
        ],
        batch_size=5000,
    )


def ensure_windows(*, today: date, now: datetime, force: bool = False) -> int:
    """Make sure the 7-day windows ending today and yesterday exist (counted in full when a day
    starts; kept exact by :func:`add_new_people` afterwards). Returns windows counted."""
    state, _ = RollupState.objects.get_or_create(name=WINDOW_STATE)
    done = date.fromisoformat(state.note) if state.note else None
    wanted = []
    if force or done != today:
        wanted.append(today)
        if force or done != today - timedelta(days=1):
            wanted.append(today - timedelta(days=1))
    for last in wanted:
        _store_all_keys(last - timedelta(days=WINDOW_DAYS - 1), last, now=now, window=True)
    RangeVisitors.objects.filter(window=True, last_day__lt=today - timedelta(days=1)).delete()
    if wanted:
        state.note = today.isoformat()
        state.last_run_at = now
        state.save(update_fields=["note", "last_run_at"])
    return len(wanted)


def count_asked(*, now: datetime) -> int:
    """Count the ranges pages asked for (rows with no figure yet), oldest first, within the
    run's budget; drop duplicate asks and memos older than ``MEMO_DAYS``. Returns ranges done."""
    RangeVisitors.objects.filter(
        window=False, computed_at__lt=now - timedelta(days=MEMO_DAYS), visitors__isnull=False
    ).delete()
    asked = list(
        RangeVisitors.objects.filter(visitors__isnull=True)
        .order_by("computed_at", "id")
        .values_list("id", "generation", "unit_id", "sector_id", "first_day", "last_day")
    )
    groups: dict[tuple, dict] = {}
    for rid, gen, unit_id, sector_id, first, last in asked:
        groups.setdefault((gen, sector_id, first, last), {}).setdefault(unit_id, []).append(rid)
    started, done = time.monotonic(), 0
    for (gen, sector_id, first, last), by_unit in groups.items():
        if done and time.monotonic() - started > budget_seconds():
            break  # the rest at the next run
        counts = range_counts(
            generation=gen,
            sector_id=sector_id,
            first=first,
            last=last,
            unit_ids=[u for u in by_unit if u is not None],
            whole=None in by_unit,
        )
        keep, extra = [], []
        for unit_id, ids in by_unit.items():
            keep.append(RangeVisitors(id=ids[0], visitors=counts[unit_id], computed_at=now))
            extra += ids[1:]
        RangeVisitors.objects.bulk_update(keep, ["visitors", "computed_at"], batch_size=2000)
        RangeVisitors.objects.filter(id__in=extra).delete()
        done += 1
    return done


def recount_days(days: set[date], *, today: date, now: datetime, windows_counted: bool = False) -> None:
    """After whole days were re-rolled: every stored range over one of them is counted again
    (windows at once, memos by :func:`count_asked` in the same run)."""
    if not days:
        return
    lo, hi = min(days), max(days)
    touched = RangeVisitors.objects.filter(first_day__lte=hi, last_day__gte=lo)
    touched.filter(window=False).update(visitors=None)
    if not windows_counted and touched.filter(window=True).exists():
        ensure_windows(today=today, now=now, force=True)
