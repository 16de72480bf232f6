"""The rollup: turns visits into the aggregate tables that every oversight page reads.

Each run folds the visits that arrived since the last run into the aggregates
(``ravao.oversight.incremental``: a cost that follows the number of new visits, late uploads
for older days included), computes a new local day (``settings.TIME_ZONE``) in full from the
per-venue-day and presence rows at its first run, keeps the multi-day unique-visitor counts
exact (``ravao.oversight.ranges``) and rebuilds the stock figures (venues, targets: states, not
events). Whole days are re-rolled from the visits (delete + recompute, every visit query
bounded by ``checked_in_at`` so that PostgreSQL reads only that day's partitions) only on the
first run, on ``--since DAY`` (repairs) and after an upgrade from whole-day re-rolls.

Run it with ``ravao rollup`` (once) or ``ravao rollup --loop 60`` (cron/systemd, see
docs/indicators.md); the demo and tests call :func:`rollup` directly.
"""

import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ravao.checkins.models import Visit
from ravao.oversight import incremental, ranges
from ravao.oversight.models import (
    PresenceDay,
    RollupState,
    UnitClosure,
    UnitDay,
    VenueDay,
)
from ravao.oversight.stock import activate_targets, roll_stock
from ravao.units.models import Unit
from ravao.venues.models import Venue

STATE = "rollup"
ALL = None  # the "all sectors" / "whole generation" key


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    return moment.astimezone(local_tz()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day as aware datetimes."""
    tz = local_tz()
    start = datetime.combine(day, dtime.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), dtime.min, tzinfo=tz)
    return start, end


def lookback() -> timedelta:
    return timedelta(minutes=getattr(settings, "RAVAO_ROLLUP_LOOKBACK_MINUTES", 60))


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _exec(sql: str, params) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


# ---------------------------------------------------------------------------------- closure


def closure_refresh(force: bool = False) -> dict[int, list[int]]:
    """Rebuild (unit → ancestors-or-self) if the map changed; returns it as a dict."""
    units = list(Unit.objects.values_list("id", "path", "generation"))
    by_path = {path: uid for uid, path, _ in units}
    closure = {}
    for uid, path, _generation in units:
        parts = path.strip("/").split("/")  # [generation, code, code, ...]
        ancestors = []
        for i in range(2, len(parts) + 1):
            aid = by_path.get("/".join(parts[:i]) + "/")
            if aid is not None:
                ancestors.append(aid)
        closure[uid] = ancestors
    expected = sum(len(a) for a in closure.values())
    if force or UnitClosure.objects.count() != expected:
        UnitClosure.objects.all().delete()
        UnitClosure.objects.bulk_create(
            [UnitClosure(unit_id=u, ancestor_id=a) for u, ancs in closure.items() for a in ancs], batch_size=5000
        )
    return closure


def generations() -> dict[int, str]:
    return dict(Unit.objects.values_list("id", "generation"))


# --------------------------------------------------------------------------------- one day


def _expand(rows, closure, gens, nvalues, *, distinct_key=None):
    """Fan per-(lowest unit, sector) figures out to every ancestor and to "all sectors".

    rows: (unit_id, sector_id, *values). Returns {(generation, unit_id|None, sector_id|None): [sums]}.
    Only additive figures go through here."""
    out = defaultdict(lambda: [0] * nvalues)
    for unit_id, sector_id, *values in rows:
        gen = gens.get(unit_id)
        for target in [*closure.get(unit_id, [unit_id]), ALL]:
            for sec in (sector_id, ALL):
                acc = out[(gen, target, sec)]
                for i, v in enumerate(values):
                    acc[i] += v or 0
    return out


def big_sort_memory(cursor) -> None:
    """Let PostgreSQL hash the distinct counts in memory (inside the current transaction only)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL work_mem = '{int(getattr(settings, 'RAVAO_ROLLUP_WORK_MEM_MB', 256))}MB'")


def _distinct_by_key(table_sql: str, where: str, params, count_col: str, *, one_day: bool = False) -> dict:
    """Exact distinct counts of ``count_col`` per (generation, unit, sector) for every unit
    (lowest level and every ancestor) and sector, with "all sectors" and "whole generation".

    The lowest level is counted without the closure join (and, for one day of presence rows,
    which are already distinct per unit, sector and person, without DISTINCT); ancestors go
    through the closure without their self-pairs. COUNT(*) over SELECT DISTINCT lets PostgreSQL
    hash instead of sorting."""
    closure_t = UnitClosure._meta.db_table
    unit_t = Unit._meta.db_table
    col = f"t.{count_col}"
    direct = f"FROM {table_sql} t JOIN {unit_t} u ON u.id = t.unit_id WHERE {where}"
    above = (
        f"FROM {table_sql} t JOIN {closure_t} c ON c.unit_id = t.unit_id AND c.ancestor_id <> c.unit_id "
        f"JOIN {unit_t} u ON u.id = t.unit_id WHERE {where}"
    )
    lowest = (
        f"SELECT u.generation, t.unit_id, t.sector_id, COUNT(*) {direct} GROUP BY u.generation, t.unit_id, t.sector_id"
        if one_day
        else f"SELECT g, a, s, COUNT(*) FROM (SELECT DISTINCT u.generation g, t.unit_id a, t.sector_id s, {col} "
        f"{direct}) d GROUP BY g, a, s"
    )
    # Venues should hang on the lowest level; if some hang on a unit that has units below it,
    # count every unit through the closure with its self-pair instead (always exact).
    inner = Venue.objects.filter(unit_id__in=Unit.objects.filter(parent__isnull=False).values("parent_id")).exists()
    if inner:
        above = above.replace(" AND c.ancestor_id <> c.unit_id", "")
    queries = (
        []
        if inner
        else [
            (lowest, True, True),
            (
                f"SELECT g, a, COUNT(*) FROM (SELECT DISTINCT u.generation g, t.unit_id a, {col} {direct}) d "
                f"GROUP BY g, a",
                True,
                False,
            ),
        ]
    )
    queries += [
        (
            f"SELECT g, a, s, COUNT(*) FROM (SELECT DISTINCT u.generation g, c.ancestor_id a, t.sector_id s, {col} "
            f"{above}) d GROUP BY g, a, s",
            True,
            True,
        ),
        (
            f"SELECT g, a, COUNT(*) FROM (SELECT DISTINCT u.generation g, c.ancestor_id a, {col} {above}) d "
            f"GROUP BY g, a",
            True,
            False,
        ),
        (
            f"SELECT g, s, COUNT(*) FROM (SELECT DISTINCT u.generation g, t.sector_id s, {col} {direct}) d "
            f"GROUP BY g, s",
            False,
            True,
        ),
        (f"SELECT g, COUNT(*) FROM (SELECT DISTINCT u.generation g, {col} {direct}) d GROUP BY g", False, False),
    ]
    result = {}
    with connection.cursor() as cur:
        big_sort_memory(cur)
        for sql, by_unit, by_sector in queries:
            cur.execute(sql, params)
            for row in cur.fetchall():
                row = list(row)
                gen = row.pop(0)
                unit = row.pop(0) if by_unit else ALL
                sector = row.pop(0) if by_sector else ALL
                result[(gen, unit, sector)] = row[0]
    return result


def roll_day(day: date, closure, gens) -> int:
    """Recompute every per-day aggregate of one local day from its visits. Returns its scans."""
    start, end = (connection.ops.adapt_datetimefield_value(x) for x in day_bounds(day))
    visit_t, venue_t = Visit._meta.db_table, Venue._meta.db_table
    vd_t, pd_t = VenueDay._meta.db_table, PresenceDay._meta.db_table
    VenueDay.objects.filter(day=day).delete()
    PresenceDay.objects.filter(day=day).delete()
    _exec(
        f"INSERT INTO {vd_t} (venue_id, day, unit_id, sector_id, scans, visitors, first_scan_at, last_scan_at) "
        f"SELECT v.venue_id, %s, ve.unit_id, ve.sector_id, COUNT(*), COUNT(DISTINCT v.person_id), "
        f"MIN(v.checked_in_at), MAX(v.checked_in_at) FROM {visit_t} v JOIN {venue_t} ve ON ve.id = v.venue_id "
        f"WHERE v.checked_in_at >= %s AND v.checked_in_at < %s GROUP BY v.venue_id, ve.unit_id, ve.sector_id",
        [day, start, end],
    )
    _exec(
        f"INSERT INTO {pd_t} (day, unit_id, sector_id, person_id) "
        f"SELECT DISTINCT %s, ve.unit_id, ve.sector_id, v.person_id FROM {visit_t} v "
        f"JOIN {venue_t} ve ON ve.id = v.venue_id WHERE v.checked_in_at >= %s AND v.checked_in_at < %s",
        [day, start, end],
    )
    return roll_unit_day(day, closure, gens)


def roll_unit_day(day: date, closure, gens) -> int:
    """Recompute UnitDay of one day from that day's VenueDay and PresenceDay rows (and the six
    days before, for "active in 7 days"). Returns the day's scans."""
    vd_t, pd_t = VenueDay._meta.db_table, PresenceDay._meta.db_table
    UnitDay.objects.filter(day=day).delete()
    # Scans and venues active that day: additive, so group per commune and fan out in Python.
    rows = _fetch(
        f"SELECT unit_id, sector_id, SUM(scans), COUNT(*) FROM {vd_t} WHERE day = %s GROUP BY unit_id, sector_id",
        [day],
    )
    figures = _expand(rows, closure, gens, 2)
    # Venues active in the 7 days ending this day: distinct venues per commune and sector
    # (a venue belongs to one commune and sector, so these add up too).
    with connection.cursor() as cur:
        big_sort_memory(cur)
        cur.execute(
            f"SELECT unit_id, sector_id, COUNT(*) FROM (SELECT DISTINCT unit_id, sector_id, venue_id FROM {vd_t} "
            f"WHERE day >= %s AND day <= %s) d GROUP BY unit_id, sector_id",
            [day - timedelta(days=6), day],
        )
        week = cur.fetchall()
    active_7d = _expand(week, closure, gens, 1)
    visitors = _distinct_by_key(pd_t, "t.day = %s", [day], "person_id", one_day=True)
    keys = set(figures) | set(active_7d) | set(visitors)
    UnitDay.objects.bulk_create(
        [
            UnitDay(
                generation=gen,
                unit_id=unit,
                sector_id=sector,
                day=day,
                scans=figures[(gen, unit, sector)][0] if (gen, unit, sector) in figures else 0,
                active_24h=figures[(gen, unit, sector)][1] if (gen, unit, sector) in figures else 0,
                active_7d=active_7d[(gen, unit, sector)][0] if (gen, unit, sector) in active_7d else 0,
                visitors=visitors.get((gen, unit, sector), 0),
            )
            for gen, unit, sector in keys
            if gen is not None
        ],
        batch_size=5000,
    )
    return sum(r[2] or 0 for r in rows)


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i : i + n]


# ------------------------------------------------------------------------------- windows


def refresh_windows(*, now: datetime, force: bool = False) -> bool:
    """Count the 7-day windows ending today and yesterday in full (if not done yet today)."""
    return ranges.ensure_windows(today=local_day(now), now=now, force=force) > 0


# ------------------------------------------------------------------------------- the run

LOCK_KEY = 0x726176616F3A72  # "ravao:r": one rollup at a time (PostgreSQL advisory lock)


@contextmanager
def run_transaction():
    """One transaction per run; on PostgreSQL REPEATABLE READ (every statement sees the same
    visits, so the new-visit batch, the gaps and any whole-day re-roll agree) under an advisory
    lock taken before the snapshot. Inside an outer transaction (tests), a plain savepoint."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _day_range(first: date, last: date) -> set[date]:
    out, d = set(), first
    while d <= last:
        out.add(d)
        d += timedelta(days=1)
    return out


def whole_days_to_roll(state: RollupState, now: datetime) -> set[date]:
    """Days to re-roll in full when there is no incremental state: every day since the first
    visit (first run), or, after whole-day rollups, the look-back and the days of any visit
    above the last id seen (as whole-day rollups did)."""
    horizon = now - timedelta(days=settings.RAVAO_RETENTION_DAYS + 1)
    window = Visit.objects.filter(checked_in_at__gte=horizon, checked_in_at__lt=now + timedelta(days=1))
    today = local_day(now)
    if state.watermark is None:
        first = window.order_by("checked_in_at").values_list("checked_in_at", flat=True).first()
        return _day_range(local_day(first), today) if first is not None else set()
    days = _day_range(local_day(max(state.watermark - lookback(), horizon)), today)
    late = window.filter(id__gt=state.last_id, checked_in_at__lt=day_bounds(min(days))[0])
    for moment in late.datetimes("checked_in_at", "day", tzinfo=local_tz()):
        days.add(moment.date())
    return days


def id_snapshot(now: datetime) -> tuple[int, list]:
    """Highest visit id and the ids below it not visible now, among the last
    ``RAVAO_ROLLUP_GAP_SCAN`` ids (the only place where open transactions hold ids)."""
    top = Visit.objects.order_by("-id").values_list("id", flat=True).first() or 0
    scan = int(getattr(settings, "RAVAO_ROLLUP_GAP_SCAN", 100_000))
    low = max(top - scan, 0)
    visit_t = Visit._meta.db_table
    holes = _fetch(
        f"SELECT prev + 1, id - 1 FROM (SELECT id, LAG(id) OVER (ORDER BY id) AS prev FROM {visit_t} "
        f"WHERE id > %s) t WHERE id - prev > 1",
        [low],
    )
    first = _fetch(f"SELECT MIN(id) FROM {visit_t} WHERE id > %s", [low])[0][0]
    now_s = now.timestamp()
    gaps = [[lo, hi, now_s] for lo, hi in holes]
    if low and first is not None and first > low + 1:
        gaps.insert(0, [low + 1, first - 1, now_s])
    return top, gaps


def reroll_days(days: set[date], closure, gens, *, today: date) -> int:
    """Re-roll whole days from the visits, then the six days after each for "active in 7 days"."""
    scans = 0
    for day in sorted(days):
        scans += roll_day(day, closure, gens)
    after = set()
    for day in days:
        after |= _day_range(day + timedelta(days=1), min(day + timedelta(days=6), today))
    for day in sorted(after - days):
        roll_unit_day(day, closure, gens)
    return scans


def rollup(*, since: date | None = None, now: datetime | None = None) -> dict:
    """Bring the aggregates up to date. ``since``: also re-roll every day from that day on."""
    started = time.monotonic()
    now = now or timezone.now()
    today = local_day(now)
    with run_transaction():
        state, _ = RollupState.objects.select_for_update().get_or_create(name=STATE)
        closure = closure_refresh()
        gens = generations()
        whole: set[date] = set()
        if state.watermark is None or state.gaps is None:
            whole = whole_days_to_roll(state, now)
            state.last_id, state.gaps = id_snapshot(now)
            visits = reroll_days(whole, closure, gens, today=today)
            late = bool(whole) and min(whole) < today
        else:
            got = incremental.ingest(state, closure, gens, now=now, last_day=local_day(state.watermark))
            state.last_id, state.gaps, visits = got.top_id, got.gaps, got.visits
            for day in sorted(_day_range(local_day(state.watermark) + timedelta(days=1), today)):
                roll_unit_day(day, closure, gens)  # a day's first run: in full from VenueDay and PresenceDay
            late = bool(got.days) and min(got.days) < local_day(now - lookback())
        if since is not None:
            again = _day_range(since, today)
            reroll_days(again, closure, gens, today=today)
            whole |= again
        counted = ranges.ensure_windows(today=today, now=now, force=state.watermark is None)
        ranges.recount_days(whole, today=today, now=now, windows_counted=counted == 2)
        ranges.count_asked(now=now)
        roll_stock(closure, gens, now=now)
        # Presence rows link people to places: they go when the visits go (retention).
        PresenceDay.objects.filter(day__lt=today - timedelta(days=settings.RAVAO_RETENTION_DAYS)).delete()
        state.watermark = now
        state.last_run_at = timezone.now()
        state.last_duration_ms = int((time.monotonic() - started) * 1000)
        state.save()
    activate_targets()  # outside the run's snapshot: pages edit targets too
    return {
        "days": len(whole),
        "visits": visits,
        "late": late,
        "ms": state.last_duration_ms,
        "gaps": len(state.gaps or []),
    }


def last_rollup_at() -> datetime | None:
    return RollupState.objects.filter(name=STATE).values_list("last_run_at", flat=True).first()
