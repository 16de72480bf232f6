"""The incremental step of the rollup: fold the visits that arrived since the last run into
the aggregates, at a cost that follows the number of new visits, not the size of the day.

Which visits are new: those with an id above the highest id of the last run, plus those whose
id fell in a *gap* of the last run — an id at or below that highest id that was not visible
then (a check-in transaction that took its id earlier but committed later). Gaps are kept in
``RollupState.gaps`` until their visit shows up or for ``RAVAO_ROLLUP_LOOKBACK_MINUTES``
(rolled-back inserts leave gaps that never fill). The new visits are read once, in one
statement, into a temporary table; on PostgreSQL the whole run is one REPEATABLE READ
transaction, so every later statement sees the same visits.

From that batch, before anything is written:

* new venue-days (no VenueDay row yet) → ``active_24h`` of that day, ``active_7d`` of that day
  and the six after it for venues with no other venue-day in the window;
* new presence rows (day, unit, sector, person) → ``visitors`` of the day for the unit, each
  unit above it and the whole generation, per sector and for all sectors, when the person had
  no presence row under that key that day; the same for every stored range
  (``ranges.add_new_people``);
* new (venue, day, person) triples → ``VenueDay.visitors``.

Then VenueDay is upserted, the presence rows inserted and UnitDay updated for the keys touched.
UnitDay rows of days after the last run's day are not touched here: the run computes those days
in full from VenueDay and PresenceDay (a day's first run).
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import TruncDate

from ravao.checkins.models import Visit
from ravao.oversight import ranges
from ravao.oversight.models import PresenceDay, UnitClosure, UnitDay, VenueDay
from ravao.oversight.ranges import probe
from ravao.units.models import Unit

BATCH, DAYS, NEW_VD, NEW_PD, NEW_VP, SPAN, DELTA, OLD, OLD_KEYS = (
    "rollup_batch",
    "rollup_days",
    "rollup_new_vd",
    "rollup_new_pd",
    "rollup_new_vp",
    "rollup_span",
    "rollup_delta",
    "rollup_old",
    "rollup_old_keys",
)
MAX_GAPS = 10_000


@dataclass
class Ingested:
    visits: int = 0
    days: set = field(default_factory=set)  # local days that received visits
    top_id: int = 0
    gaps: list = field(default_factory=list)


def _types() -> dict:
    dt = connection.data_types
    return {"bigint": "bigint", "date": dt["DateField"], "dt": dt["DateTimeField"], "str": "varchar(16)"}


def _temp(cur, name: str, columns: str) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {name}")
    cur.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def _analyze(cur, name: str) -> None:
    if connection.vendor == "postgresql":
        cur.execute(f"ANALYZE {name}")


def drop_temps() -> None:
    with connection.cursor() as cur:
        for name in (BATCH, DAYS, NEW_VD, NEW_PD, NEW_VP, SPAN, DELTA, OLD, OLD_KEYS):
            cur.execute(f"DROP TABLE IF EXISTS {name}")


def apply_deltas(table: str, columns: list[str], rows: list[tuple]) -> None:
    """``UPDATE table SET col = col + delta`` for rows (id, delta, ...), in one statement."""
    if not rows:
        return
    t = _types()
    if connection.vendor == "postgresql":  # one statement, the deltas as arrays
        cols = list(zip(*rows, strict=True))
        arrays = ", ".join(["%s::bigint[]"] * len(cols))
        names = ", ".join(["id", *[f"d_{c}" for c in columns]])
        sets = ", ".join(f"{c} = {table}.{c} + d.d_{c}" for c in columns)
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS d({names}) WHERE {table}.id = d.id",
                [list(c) for c in cols],
            )
        return
    with connection.cursor() as cur:
        _temp(cur, DELTA, ", ".join([f"id {t['bigint']}", *[f"d_{c} {t['bigint']}" for c in columns]]))
        marks = ", ".join(["%s"] * (len(columns) + 1))
        cur.executemany(f"INSERT INTO {DELTA} VALUES ({marks})", rows)
        sets = ", ".join(f"{c} = {table}.{c} + d.d_{c}" for c in columns)
        cur.execute(f"UPDATE {table} SET {sets} FROM {DELTA} d WHERE {table}.id = d.id")
        cur.execute(f"DROP TABLE {DELTA}")


# ------------------------------------------------------------------------------ the batch


def _read_batch(cur, last_id: int, gaps: list) -> None:
    from ravao.oversight.rollup import local_tz

    t = _types()
    _temp(
        cur,
        BATCH,
        f"id {t['bigint']}, venue_id {t['bigint']}, person_id {t['bigint']}, checked_in_at {t['dt']}, "
        f"day {t['date']}, unit_id {t['bigint']}, sector_id {t['bigint']}, generation {t['str']}",
    )
    new = Q(id__gt=last_id)
    for lo, hi, _seen in gaps:
        new |= Q(id__gte=lo, id__lte=hi)
    qs = (
        Visit.objects.filter(new)
        .order_by()
        .annotate(local_day=TruncDate("checked_in_at", tzinfo=local_tz()))
        .values_list(
            "id",
            "venue_id",
            "person_id",
            "checked_in_at",
            "local_day",
            "venue__unit_id",
            "venue__sector_id",
            "venue__unit__generation",
        )
    )
    sql, params = qs.query.sql_with_params()
    cur.execute(
        f"INSERT INTO {BATCH} (id, venue_id, person_id, checked_in_at, day, unit_id, sector_id, generation) {sql}",
        params,
    )
    cur.execute(f"CREATE INDEX {BATCH}_id ON {BATCH} (id)")
    _analyze(cur, BATCH)


def next_gaps(candidates: list, holes: list, low: int | None, high: int | None, now_s: float, max_age_s: float) -> list:
    """Ids of ``candidates`` ([lo, hi, seen]) still missing, given the ids read: every id in
    [low, high] except the ``holes`` ([lo, hi]); nothing read if low is None."""
    missing = [(lo, hi) for lo, hi in holes]
    if low is None:
        missing = [(-1, 2**63)]
    else:
        missing += [(-1, low - 1), (high + 1, 2**63)]
    out = []
    for lo, hi, seen in candidates:
        if now_s - seen > max_age_s:
            continue  # a rolled-back insert, or a transaction older than the look-back: given up
        for mlo, mhi in missing:
            a, b = max(lo, mlo), min(hi, mhi)
            if a <= b:
                out.append([a, b, seen])
    out.sort()
    return out[-MAX_GAPS:]


def _gaps(cur, last_id: int, gaps: list, now: datetime) -> tuple[int, list]:
    cur.execute(f"SELECT MIN(id), MAX(id), COUNT(*) FROM {BATCH}")
    low, high, n = cur.fetchone()
    top = max(last_id, high or 0)
    cur.execute(
        f"SELECT prev + 1, id - 1 FROM (SELECT id, LAG(id) OVER (ORDER BY id) AS prev FROM {BATCH}) t "
        f"WHERE id - prev > 1"
    )
    holes = cur.fetchall()
    now_s = now.timestamp()
    candidates = [list(g) for g in gaps]
    if top > last_id:
        candidates.append([last_id + 1, top, now_s])
    max_age = 60 * getattr(settings, "RAVAO_ROLLUP_LOOKBACK_MINUTES", 60)
    return top, next_gaps(candidates, holes, low, high, now_s, max_age)


# --------------------------------------------------------------------------------- ingest


def ingest(state, closure: dict, gens: dict, *, now: datetime, last_day: date) -> Ingested:
    """Fold the new visits into VenueDay, PresenceDay, UnitDay and the stored ranges.

    ``last_day``: the last local day whose UnitDay rows exist (the previous run's day); later
    days are left to the caller (computed in full)."""
    from ravao.oversight.rollup import day_bounds, local_day

    out = Ingested()
    t = _types()
    horizon = local_day(now) - timedelta(days=settings.RAVAO_RETENTION_DAYS + 1)
    with connection.cursor() as cur:
        _read_batch(cur, state.last_id, state.gaps or [])
        out.top_id, out.gaps = _gaps(cur, state.last_id, state.gaps or [], now)
        cur.execute(f"DELETE FROM {BATCH} WHERE day < %s", [horizon])  # past retention: ignored
        cur.execute(f"SELECT day, COUNT(*) FROM {BATCH} GROUP BY day")
        per_day = cur.fetchall()
        out.visits = sum(n for _d, n in per_day)
        if not out.visits:
            cur.execute(f"DROP TABLE {BATCH}")
            return out
        out.days = {d if isinstance(d, date) else date.fromisoformat(d) for d, _n in per_day}
        _temp(cur, DAYS, f"day {t['date']}, start_at {t['dt']}, end_at {t['dt']}")
        adapt = connection.ops.adapt_datetimefield_value
        cur.executemany(
            f"INSERT INTO {DAYS} VALUES (%s, %s, %s)",
            [(d, *(adapt(x) for x in day_bounds(d))) for d in sorted(out.days)],
        )
        _new_rows(cur, t, state)
        _old_rows(cur, t, out.days)
        deltas = _unit_day_deltas(cur, t, closure, gens, last_day)
        ranges.add_new_people(NEW_PD, OLD, OLD_KEYS, apply=apply_deltas)
        _write(cur)
    _apply_unit_days(deltas)
    drop_temps()
    return out


def _new_rows(cur, t: dict, state) -> None:
    vd_t, pd_t, visit_t = VenueDay._meta.db_table, PresenceDay._meta.db_table, Visit._meta.db_table
    _temp(cur, NEW_VD, f"venue_id {t['bigint']}, day {t['date']}, unit_id {t['bigint']}, sector_id {t['bigint']}")
    cur.execute(
        f"INSERT INTO {NEW_VD} SELECT DISTINCT b.venue_id, b.day, b.unit_id, b.sector_id FROM {BATCH} b "
        f"WHERE NOT EXISTS (SELECT 1 FROM {vd_t} o WHERE o.venue_id = b.venue_id AND o.day = b.day{probe()})"
    )
    _temp(
        cur,
        NEW_PD,
        f"day {t['date']}, unit_id {t['bigint']}, sector_id {t['bigint']}, person_id {t['bigint']}, "
        f"generation {t['str']}",
    )
    cur.execute(
        f"INSERT INTO {NEW_PD} SELECT DISTINCT b.day, b.unit_id, b.sector_id, b.person_id, b.generation "
        f"FROM {BATCH} b WHERE NOT EXISTS (SELECT 1 FROM {pd_t} o WHERE o.person_id = b.person_id "
        f"AND o.day = b.day AND o.unit_id = b.unit_id AND o.sector_id = b.sector_id{probe()})"
    )
    # A person's first visit of the day to a venue: no visit already rolled up (id at or below
    # the last run's top id and in none of its gaps) by that person, at that venue, that day.
    seen = ["o.id <= %s"]
    params = [state.last_id]
    for lo, hi, _s in state.gaps or []:
        seen.append("NOT (o.id >= %s AND o.id <= %s)")
        params += [lo, hi]
    _temp(cur, NEW_VP, f"venue_id {t['bigint']}, day {t['date']}, person_id {t['bigint']}")
    cur.execute(
        f"INSERT INTO {NEW_VP} SELECT DISTINCT b.venue_id, b.day, b.person_id FROM {BATCH} b "
        f"JOIN {DAYS} d ON d.day = b.day WHERE NOT EXISTS (SELECT 1 FROM {visit_t} o "
        f"WHERE o.person_id = b.person_id AND o.checked_in_at >= d.start_at AND o.checked_in_at < d.end_at "
        f"AND o.venue_id = b.venue_id AND {' AND '.join(seen)}{probe()})",
        params,
    )
    for name in (NEW_VD, NEW_PD, NEW_VP):
        _analyze(cur, name)


def _old_rows(cur, t: dict, days: set[date]) -> None:
    """The presence rows that the new people already had, over every day that a test below
    looks at (the batch's days and every stored range over them), with the units above.

    A small table (the new people's rows only): every "already seen under this key?" test
    reads it instead of probing PresenceDay once per key."""
    from ravao.oversight.models import RangeVisitors

    lo, hi = min(days), max(days)
    span = RangeVisitors.objects.filter(visitors__isnull=False, first_day__lte=hi, last_day__gte=lo).aggregate(
        lo=models.Min("first_day"), hi=models.Max("last_day")
    )
    lo, hi = min(lo, span["lo"] or lo), max(hi, span["hi"] or hi)
    pd_t, cl_t, u_t = PresenceDay._meta.db_table, UnitClosure._meta.db_table, Unit._meta.db_table
    _temp(
        cur,
        OLD,
        f"person_id {t['bigint']}, day {t['date']}, unit_id {t['bigint']}, sector_id {t['bigint']}, "
        f"generation {t['str']}",
    )
    cur.execute(
        f"INSERT INTO {OLD} SELECT o.person_id, o.day, o.unit_id, o.sector_id, u.generation "
        f"FROM (SELECT DISTINCT person_id FROM {NEW_PD}) p JOIN {pd_t} o ON o.person_id = p.person_id "
        f"AND o.day >= %s AND o.day <= %s JOIN {u_t} u ON u.id = o.unit_id",
        [lo, hi],
    )
    cur.execute(f"CREATE INDEX {OLD}_p ON {OLD} (person_id, day)")
    _temp(
        cur, OLD_KEYS, f"person_id {t['bigint']}, day {t['date']}, ancestor_id {t['bigint']}, sector_id {t['bigint']}"
    )
    cur.execute(
        f"INSERT INTO {OLD_KEYS} SELECT DISTINCT o.person_id, o.day, c.ancestor_id, o.sector_id "
        f"FROM {OLD} o JOIN {cl_t} c ON c.unit_id = o.unit_id"
    )
    cur.execute(f"CREATE INDEX {OLD_KEYS}_p ON {OLD_KEYS} (person_id, ancestor_id, day)")
    for name in (OLD, OLD_KEYS):
        _analyze(cur, name)


def _expand(rows, closure, gens, deltas, slot: int) -> None:
    from ravao.oversight.rollup import ALL

    for day, unit_id, sector_id, n in rows:
        day = day if isinstance(day, date) else date.fromisoformat(day)
        gen = gens.get(unit_id)
        for target in [*closure.get(unit_id, [unit_id]), ALL]:
            for sec in {sector_id, ALL}:
                deltas[(gen, target, sec, day)][slot] += n


def _unit_day_deltas(cur, t: dict, closure, gens, last_day: date) -> dict:
    """Changes to UnitDay of days up to ``last_day``: [scans, visitors, active_24h, active_7d]."""
    vd_t, cl_t = VenueDay._meta.db_table, UnitClosure._meta.db_table
    deltas = defaultdict(lambda: [0, 0, 0, 0])
    cur.execute(
        f"SELECT day, unit_id, sector_id, COUNT(*) FROM {BATCH} WHERE day <= %s GROUP BY day, unit_id, sector_id",
        [last_day],
    )
    _expand(cur.fetchall(), closure, gens, deltas, 0)
    cur.execute(
        f"SELECT day, unit_id, sector_id, COUNT(*) FROM {NEW_VD} WHERE day <= %s GROUP BY day, unit_id, sector_id",
        [last_day],
    )
    _expand(cur.fetchall(), closure, gens, deltas, 2)
    # Active in the 7 days ending D, for D = the venue-day's day and the six after (up to last_day).
    _temp(cur, SPAN, f"day {t['date']}, target {t['date']}, lo {t['date']}")
    cur.execute(f"SELECT DISTINCT day FROM {NEW_VD}")
    spans = []
    for (d,) in cur.fetchall():
        d = d if isinstance(d, date) else date.fromisoformat(d)
        spans += [
            (d, d + timedelta(days=k), d + timedelta(days=k - 6)) for k in range(7) if d + timedelta(days=k) <= last_day
        ]
    if spans:
        cur.executemany(f"INSERT INTO {SPAN} VALUES (%s, %s, %s)", spans)
        cur.execute(
            f"SELECT target, unit_id, sector_id, COUNT(*) FROM (SELECT DISTINCT s.target, n.venue_id, "
            f"n.unit_id, n.sector_id FROM {NEW_VD} n JOIN {SPAN} s ON s.day = n.day WHERE NOT EXISTS "
            f"(SELECT 1 FROM {vd_t} o WHERE o.venue_id = n.venue_id AND o.day >= s.lo AND o.day <= "
            f"s.target{probe()})) k "
            f"GROUP BY target, unit_id, sector_id"
        )
        _expand(cur.fetchall(), closure, gens, deltas, 3)
    # Distinct people of the day: a new presence row adds its person to a key (the unit or a
    # unit above, or the whole generation; its sector or all sectors) unless the person already
    # had a row under that key that day.
    above = (
        f"SELECT k.day, k.a, k.s, COUNT(*) FROM (SELECT DISTINCT n.day AS day, c.ancestor_id AS a, {{s}} AS s, "
        f"n.person_id AS p FROM {NEW_PD} n JOIN {cl_t} c ON c.unit_id = n.unit_id WHERE n.day <= %s) k "
        f"WHERE NOT EXISTS (SELECT 1 FROM {OLD_KEYS} o WHERE o.person_id = k.p AND o.ancestor_id = k.a "
        f"AND o.day = k.day {{o}}) GROUP BY k.day, k.a, k.s"
    )
    whole = (
        f"SELECT k.day, k.g, k.s, COUNT(*) FROM (SELECT DISTINCT n.day AS day, n.generation AS g, {{s}} AS s, "
        f"n.person_id AS p FROM {NEW_PD} n WHERE n.day <= %s) k "
        f"WHERE NOT EXISTS (SELECT 1 FROM {OLD} o WHERE o.person_id = k.p AND o.day = k.day "
        f"AND o.generation = k.g {{o}}) GROUP BY k.day, k.g, k.s"
    )
    for template, by_unit in ((above, True), (whole, False)):
        for s, o in (("n.sector_id", "AND o.sector_id = k.s"), ("NULL", "")):
            cur.execute(template.format(s=s, o=o), [last_day])
            for day, key, sector, n in cur.fetchall():
                day = day if isinstance(day, date) else date.fromisoformat(day)
                gen, unit = (gens.get(key), key) if by_unit else (key, None)
                deltas[(gen, unit, sector, day)][1] += n
    return deltas


def _write(cur) -> None:
    vd_t, pd_t = VenueDay._meta.db_table, PresenceDay._meta.db_table
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    cur.execute(
        f"INSERT INTO {vd_t} (venue_id, day, unit_id, sector_id, scans, visitors, first_scan_at, last_scan_at) "
        f"SELECT g.venue_id, g.day, g.unit_id, g.sector_id, g.n, COALESCE(p.n, 0), g.first_at, g.last_at FROM "
        f"(SELECT venue_id, day, MIN(unit_id) AS unit_id, MIN(sector_id) AS sector_id, COUNT(*) AS n, "
        f"MIN(checked_in_at) AS first_at, MAX(checked_in_at) AS last_at FROM {BATCH} GROUP BY venue_id, day) g "
        f"LEFT JOIN (SELECT venue_id, day, COUNT(*) AS n FROM {NEW_VP} GROUP BY venue_id, day) p "
        f"ON p.venue_id = g.venue_id AND p.day = g.day WHERE TRUE "
        f"ON CONFLICT (venue_id, day) DO UPDATE SET scans = {vd_t}.scans + excluded.scans, "
        f"visitors = {vd_t}.visitors + excluded.visitors, "
        f"first_scan_at = {least}({vd_t}.first_scan_at, excluded.first_scan_at), "
        f"last_scan_at = {greatest}({vd_t}.last_scan_at, excluded.last_scan_at)"
    )
    cur.execute(
        f"INSERT INTO {pd_t} (day, unit_id, sector_id, person_id) "
        f"SELECT day, unit_id, sector_id, person_id FROM {NEW_PD}"
    )


def _apply_unit_days(deltas: dict) -> None:
    deltas = {k: v for k, v in deltas.items() if k[0] is not None and any(v)}
    if not deltas:
        return
    days = {k[3] for k in deltas}
    existing = {
        (gen, unit, sector, day): pk
        for pk, gen, unit, sector, day in UnitDay.objects.filter(day__in=days).values_list(
            "id", "generation", "unit_id", "sector_id", "day"
        )
    }
    updates, new = [], []
    for key, (scans, visitors, a24, a7) in deltas.items():
        pk = existing.get(key)
        if pk is not None:
            updates.append((pk, scans, visitors, a24, a7))
        else:
            gen, unit, sector, day = key
            new.append(
                UnitDay(
                    generation=gen,
                    unit_id=unit,
                    sector_id=sector,
                    day=day,
                    scans=scans,
                    visitors=visitors,
                    active_24h=a24,
                    active_7d=a7,
                )
            )
    apply_deltas(UnitDay._meta.db_table, ["scans", "visitors", "active_24h", "active_7d"], updates)
    UnitDay.objects.bulk_create(new, batch_size=5000)


def elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
