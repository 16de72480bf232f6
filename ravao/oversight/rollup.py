"""The rollup: turns visits into the aggregate tables that every oversight page reads.

Incremental and idempotent: each run re-rolls whole local days (``settings.TIME_ZONE``) —
the days touched since the watermark minus a look-back, and the days of any visit with a higher
id than the last run saw (late uploads from offline gates) — by deleting that day's rows and
recomputing them from the visits of that day only (every visit query is bounded by
``checked_in_at``, so PostgreSQL reads only that day's partition). Stock figures (venues,
targets) are states, not events: they are rebuilt on every run from grouped counts.

Run it with ``ravao rollup`` (once) or ``ravao rollup --loop 60`` (cron/systemd, see
docs/indicators.md); the demo and tests call :func:`rollup` directly.
"""

import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ravao.checkins.models import Visit
from ravao.oversight.models import (
    PresenceDay,
    RangeVisitors,
    RollupState,
    TargetEstablishment,
    TargetStatus,
    UnitClosure,
    UnitDay,
    UnitStock,
    VenueDay,
)
from ravao.units.models import Unit
from ravao.venues.models import Venue, VenueStatus

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
    above = (f"FROM {table_sql} t JOIN {closure_t} c ON c.unit_id = t.unit_id AND c.ancestor_id <> c.unit_id "
             f"JOIN {unit_t} u ON u.id = t.unit_id WHERE {where}")
    lowest = (f"SELECT u.generation, t.unit_id, t.sector_id, COUNT(*) {direct} GROUP BY u.generation, t.unit_id, t.sector_id"
              if one_day else
              f"SELECT g, a, s, COUNT(*) FROM (SELECT DISTINCT u.generation g, t.unit_id a, t.sector_id s, {col} "
              f"{direct}) d GROUP BY g, a, s")
    # Venues should hang on the lowest level; if some hang on a unit that has units below it,
    # count every unit through the closure with its self-pair instead (always exact).
    inner = Venue.objects.filter(unit_id__in=Unit.objects.filter(parent__isnull=False).values("parent_id")).exists()
    if inner:
        above = above.replace(" AND c.ancestor_id <> c.unit_id", "")
    queries = [] if inner else [
        (lowest, True, True),
        (f"SELECT g, a, COUNT(*) FROM (SELECT DISTINCT u.generation g, t.unit_id a, {col} {direct}) d "
         f"GROUP BY g, a", True, False),
    ]
    queries += [
        (f"SELECT g, a, s, COUNT(*) FROM (SELECT DISTINCT u.generation g, c.ancestor_id a, t.sector_id s, {col} "
         f"{above}) d GROUP BY g, a, s", True, True),
        (f"SELECT g, a, COUNT(*) FROM (SELECT DISTINCT u.generation g, c.ancestor_id a, {col} {above}) d "
         f"GROUP BY g, a", True, False),
        (f"SELECT g, s, COUNT(*) FROM (SELECT DISTINCT u.generation g, t.sector_id s, {col} {direct}) d "
         f"GROUP BY g, s", False, True),
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
                generation=gen, unit_id=unit, sector_id=sector, day=day,
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


# ------------------------------------------------------------------------------ stock

def roll_stock(closure, gens) -> None:
    """Rebuild the current venue and target counts of every unit and sector."""
    from django.db.models import Count  # noqa: PLC0415

    TargetEstablishment.objects.filter(
        status=TargetStatus.REGISTERED, venue__isnull=False,
        venue_id__in=VenueDay.objects.values("venue_id"),
    ).update(status=TargetStatus.ACTIVE)
    stock = defaultdict(lambda: {"registered": 0, "suspended": 0, "unverified": 0, "by_type": defaultdict(int),
                                 "targets": 0, "targets_registered": 0, "targets_active": 0})

    def fan(unit_id, sector_id):
        gen = gens.get(unit_id)
        for target in [*closure.get(unit_id, [unit_id]), ALL]:
            for sec in {sector_id, ALL}:
                yield stock[(gen, target, sec)]

    venues = (
        Venue.objects.exclude(status=VenueStatus.CLOSED).order_by()
        .values_list("unit_id", "sector_id", "venue_type__code", "status", "verified").annotate(n=Count("id"))
    )
    for unit_id, sector_id, type_code, status, verified, n in venues:
        for acc in fan(unit_id, sector_id):
            acc["registered"] += n
            acc["by_type"][type_code] += n
            if status == VenueStatus.SUSPENDED:
                acc["suspended"] += n
            if not verified:
                acc["unverified"] += n
    targets = TargetEstablishment.objects.order_by().values_list("unit_id", "sector_id", "status").annotate(n=Count("id"))
    for unit_id, sector_id, status, n in targets:
        for acc in fan(unit_id, sector_id):
            acc["targets"] += n
            if status in (TargetStatus.REGISTERED, TargetStatus.ACTIVE):
                acc["targets_registered"] += n
            if status == TargetStatus.ACTIVE:
                acc["targets_active"] += n
    UnitStock.objects.all().delete()
    UnitStock.objects.bulk_create(
        [
            UnitStock(generation=gen, unit_id=unit, sector_id=sector, **{**acc, "by_type": dict(acc["by_type"])})
            for (gen, unit, sector), acc in stock.items()
            if gen is not None
        ],
        batch_size=5000,
    )


# ------------------------------------------------------------------------------ windows

WINDOW_DAYS = 7
WINDOW_STATE = "windows"


def window_minutes() -> int:
    return int(getattr(settings, "RAVAO_ROLLUP_WINDOW_MINUTES", 15))


def refresh_windows(*, now: datetime, force: bool = False) -> bool:
    """Recompute the exact unique visitors of the 7-day windows ending today and yesterday for
    every unit and sector (one pass over the presence rows), at most every few minutes."""
    state, _ = RollupState.objects.get_or_create(name=WINDOW_STATE)
    if not force and state.last_run_at and now - state.last_run_at < timedelta(minutes=window_minutes()):
        return False
    pd_t = PresenceDay._meta.db_table
    today = local_day(now)
    settled = day_bounds(today)[0] + lookback()  # yesterday's window is final after this
    for last in (today - timedelta(days=1), today):
        first = last - timedelta(days=WINDOW_DAYS - 1)
        if last < today and not force and RangeVisitors.objects.filter(
            window=True, first_day=first, last_day=last, computed_at__gte=settled
        ).exists():
            continue
        counts = _distinct_by_key(pd_t, "t.day >= %s AND t.day <= %s", [first, last], "person_id")
        RangeVisitors.objects.filter(first_day=first, last_day=last).delete()
        RangeVisitors.objects.bulk_create(
            [RangeVisitors(generation=gen, unit_id=unit, sector_id=sector, first_day=first, last_day=last,
                           visitors=n, window=True, computed_at=now)
             for (gen, unit, sector), n in counts.items() if gen is not None],
            batch_size=5000,
        )
    state.last_run_at = now
    state.save(update_fields=["last_run_at"])
    return True


# ------------------------------------------------------------------------------- the run

def days_to_roll(state: RollupState, now: datetime) -> tuple[set[date], int]:
    """Local days to re-roll and the highest visit id seen, bounded by the retention window."""
    horizon = now - timedelta(days=settings.RAVAO_RETENTION_DAYS + 1)
    window = Visit.objects.filter(checked_in_at__gte=horizon, checked_in_at__lt=now + timedelta(days=1))
    days: set[date] = set()
    if state.watermark is None:
        first = window.order_by("checked_in_at").values_list("checked_in_at", flat=True).first()
        if first is not None:
            d, last = local_day(first), local_day(now)
            while d <= last:
                days.add(d)
                d += timedelta(days=1)
    else:
        d, last = local_day(max(state.watermark - lookback(), horizon)), local_day(now)
        while d <= last:
            days.add(d)
            d += timedelta(days=1)
    late = window.filter(id__gt=state.last_id)
    top = late.order_by("-id").values_list("id", flat=True).first()
    if top is not None and state.last_id:
        # Days of visits that arrived since the last run, whatever their check-in time.
        older = late.filter(checked_in_at__lt=day_bounds(min(days))[0]) if days else late
        for moment in older.datetimes("checked_in_at", "day", tzinfo=local_tz()):
            days.add(moment.date())
    return days, max(top or 0, state.last_id)


def rollup(*, since: date | None = None, now: datetime | None = None) -> dict:
    """Bring the aggregates up to date. ``since``: also re-roll every day from that day on."""
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name=STATE)
        days, top_id = days_to_roll(state, now)
        if since is not None:
            d = since
            while d <= local_day(now):
                days.add(d)
                d += timedelta(days=1)
        closure = closure_refresh()
        gens = generations()
        scans = 0
        for day in sorted(days):
            scans += roll_day(day, closure, gens)
        if days:
            RangeVisitors.objects.filter(last_day__gte=min(days), first_day__lte=max(days), window=False).delete()
        roll_stock(closure, gens)
        # Late visits (older than the usual re-roll) or a forced re-roll: windows at once.
        usual = local_day(state.watermark - lookback()) if state.watermark else None
        refresh_windows(now=now, force=since is not None or usual is None or (bool(days) and min(days) < usual))
        # Presence rows link people to places: they go when the visits go (retention).
        PresenceDay.objects.filter(day__lt=local_day(now) - timedelta(days=settings.RAVAO_RETENTION_DAYS)).delete()
        state.watermark = now
        state.last_id = top_id
        state.last_run_at = timezone.now()
        state.last_duration_ms = int((time.monotonic() - started) * 1000)
        state.save()
    return {"days": len(days), "scans": scans, "ms": state.last_duration_ms}


def last_rollup_at() -> datetime | None:
    return RollupState.objects.filter(name=STATE).values_list("last_run_at", flat=True).first()
