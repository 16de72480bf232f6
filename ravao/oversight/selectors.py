"""Reads for the dashboards, the coverage API and the reports: indicators from the aggregates.

Every read is scoped with ``restrict(user)`` (units and aggregate rows) and reads only the
aggregate tables filled by ``ravao.oversight.rollup`` — never the visit table.
Definitions: docs/indicators.md.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.catalog.models import Sector
from ravao.core.dbrouting import reading_from_replica
from ravao.core.errors import NotFound, ServiceError
from ravao.oversight.models import (
    RangeVisitors,
    UnitDay,
    UnitStock,
    VenueDay,
)
from ravao.units.models import Unit

TARGET_POINTS_PER_100 = 1.0  # the 2021 target: at least one scan point per 100 residents
MAX_RANGE_DAYS = 366

STOCK_FIELDS = ["registered", "suspended", "unverified", "targets", "targets_registered", "targets_active"]


def target_registered_share() -> float:
    return float(getattr(settings, "RAVAO_TARGET_REGISTERED_SHARE", 0.8))


@dataclass
class Scope:
    """What a request asks for, after the jurisdiction checks: one unit (None: a whole
    generation, for national roles) and one sector (None: all sectors)."""

    unit: Unit | None
    sector: Sector | None
    first: date
    last: date
    generation: str


def resolve(
    *,
    user,
    unit_code: str = "",
    sector_code: str = "",
    first: date | None = None,
    last: date | None = None,
    generation: str = "",
) -> Scope:
    """Check the unit, sector and dates a user asks for; default to their jurisdiction and today."""
    from django.utils import timezone

    from ravao.oversight.rollup import local_day

    generation = generation or settings.RAVAO_UNIT_GENERATION
    units = Unit.objects.restrict(user)
    if unit_code:
        unit = units.filter(generation=generation, code=unit_code).first()
        if unit is None:
            raise NotFound(_("No such unit in your jurisdiction."))
    elif user.is_national:
        unit = None
    else:
        unit = units.filter(pk=user.unit_id).first()
        if unit is None:
            raise NotFound(_("No such unit in your jurisdiction."))
        generation = unit.generation
    sector = None
    if sector_code:
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is None:
            raise NotFound(_("No such sector."))
    if user.sector_id is not None and policy.is_sector_limited(user):
        if sector is not None and sector.pk != user.sector_id:
            raise NotFound(_("No such sector in your jurisdiction."))
        sector = user.sector
    today = local_day(timezone.now())
    last = last or today
    first = first or last
    if first > last:
        raise ServiceError(_("The start date is after the end date."))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ServiceError(_("The period may not be longer than a year."))
    return Scope(unit=unit, sector=sector, first=first, last=last, generation=generation)


def children_of(*, user, scope: Scope) -> list[Unit]:
    """The units one level down; for an old-map unit mapped through (``oversight/mapping.py``),
    the current communes its communes became part of."""
    from ravao.oversight import mapping

    if scope.unit is not None and scope.unit.generation != settings.RAVAO_UNIT_GENERATION:
        if mapping.applies(scope.unit.generation):
            found = mapping.successors([scope.unit])[scope.unit.pk]
            visible = set(Unit.objects.restrict(user).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True))
            return [c for c in found if c.pk in visible]
    units = Unit.objects.restrict(user).filter(generation=scope.generation)
    if scope.unit is None:
        top = units.order_by("depth").values_list("depth", flat=True).first()
        return list(units.filter(depth=top).order_by("name")) if top else []
    return list(units.filter(parent=scope.unit).order_by("name"))


def _key_filter(units: list[Unit | None], sector: Sector | None) -> Q:
    q = Q(sector=sector) if sector is not None else Q(sector__isnull=True)
    ids = [u.pk for u in units if u is not None]
    uq = Q(unit_id__in=ids) if ids else Q(pk__in=[])
    if any(u is None for u in units):
        uq |= Q(unit__isnull=True)
    return q & uq


def _range_visitors(*, scope: Scope, units: list[Unit | None], estimate: dict, wait: bool) -> dict:
    """Exact unique visitors over several days for each unit (distinct people in PresenceDay).

    Read from RangeVisitors (kept exact by the rollup) when the range is stored; otherwise
    counted on the spot when small (the daily visitors of the range add up to at most
    ``RAVAO_RANGE_SYNC_MAX``) or when ``wait``, else asked of the rollup: the figure is None
    (pending) until its next run. Callers pass units already checked against the jurisdiction."""
    from ravao.oversight import ranges

    result, pending = {}, set()
    stored = RangeVisitors.objects.filter(
        _key_filter(units, scope.sector), generation=scope.generation, first_day=scope.first, last_day=scope.last
    ).values_list("unit_id", "visitors")
    for unit_id, visitors in stored:
        if visitors is None:
            pending.add(unit_id)
        else:
            result[unit_id] = visitors
    missing = [u for u in units if (u.pk if u else None) not in result]
    now_ids, budget = [], ranges.sync_max()
    for u in sorted(missing, key=lambda u: estimate.get(u.pk if u else None) or 0):
        cost = estimate.get(u.pk if u else None) or 0
        if wait or cost <= budget:
            now_ids.append(u.pk if u else None)
            budget -= cost
    if now_ids:
        result.update(
            ranges.range_counts(
                generation=scope.generation,
                sector_id=scope.sector.pk if scope.sector else None,
                first=scope.first,
                last=scope.last,
                unit_ids=[i for i in now_ids if i is not None],
                whole=None in now_ids,
            )
        )
    ask = [u for u in missing if (u.pk if u else None) not in result and (u.pk if u else None) not in pending]
    RangeVisitors.objects.bulk_create(
        [
            RangeVisitors(
                generation=scope.generation,
                unit_id=u.pk if u else None,
                sector=scope.sector,
                first_day=scope.first,
                last_day=scope.last,
                visitors=None,
            )
            for u in ask
        ]
    )
    return result


def indicators_for(*, user, scope: Scope, units: list[Unit | None], wait: bool = False) -> dict:
    """Indicators of several units at once (a fixed number of queries, whatever their count).

    ``unique_visitors`` of a multi-day range that is neither stored nor small is None with
    ``unique_visitors_pending`` true (the rollup counts it at its next run) unless ``wait``.
    Units of an old map without venues of their own get the figures of the current communes
    they map to (``oversight/mapping.py``)."""
    from ravao.oversight import mapping

    old = [u for u in units if u is not None and u.generation != settings.RAVAO_UNIT_GENERATION]
    if not old or not mapping.applies(old[0].generation):
        return _indicators(user=user, scope=scope, units=units, wait=wait)
    through = mapping.successors(old)
    current = {c.pk: c for cs in through.values() for c in cs}
    now = Scope(None, scope.sector, scope.first, scope.last, settings.RAVAO_UNIT_GENERATION)
    figures = _indicators(user=user, scope=now, units=list(current.values()), wait=wait) if current else {}
    out = _indicators(user=user, scope=scope, units=[u for u in units if u not in old], wait=wait)
    for u in old:
        parts = [figures[c.pk] for c in through[u.pk]]
        out[u.pk] = (
            mapping.combine(parts, sector=scope.sector)
            if parts
            else _indicators(user=user, scope=scope, units=[u], wait=wait)[u.pk]
        )
    return out


def _indicators(*, user, scope: Scope, units: list[Unit | None], wait: bool = False) -> dict:
    key = _key_filter(units, scope.sector)
    days = UnitDay.objects.restrict(user).filter(key, generation=scope.generation)
    sums = {
        row["unit_id"]: row
        for row in days.filter(day__gte=scope.first, day__lte=scope.last)
        .order_by()
        .values("unit_id")
        .annotate(scans=Sum("scans"), visitors=Sum("visitors"))
    }
    end_rows = {
        r["unit_id"]: r for r in days.filter(day=scope.last).values("unit_id", "active_24h", "active_7d", "visitors")
    }
    stock = {r.unit_id: r for r in UnitStock.objects.restrict(user).filter(key, generation=scope.generation)}
    if scope.first == scope.last:
        visitors = {uid: r["visitors"] for uid, r in end_rows.items()}
    else:
        visitors = _range_visitors(
            scope=scope, units=units, wait=wait, estimate={uid: row["visitors"] for uid, row in sums.items()}
        )
    national = _national_population(user=user, scope=scope) if any(u is None for u in units) else None
    out = {}
    for unit in units:
        uid = unit.pk if unit else None
        st = stock.get(uid)
        ind = {f: getattr(st, f) if st else 0 for f in STOCK_FIELDS}
        if unit is None:
            population, counted = national["population"], national["registered"]
        else:
            population, counted = unit.population, ind["registered"]
        ind.update(
            scans=(sums.get(uid) or {}).get("scans") or 0,
            unique_visitors=visitors.get(uid, 0) if uid in visitors or scope.first == scope.last else None,
            unique_visitors_pending=scope.first != scope.last and uid not in visitors,
            active_24h=(end_rows.get(uid) or {}).get("active_24h", 0),
            active_7d=(end_rows.get(uid) or {}).get("active_7d", 0),
            population=population,
            # A sector's venues are a part of all venues: the per-100-residents rule is for a
            # unit's venues of every sector; a sector is judged on its own known targets.
            points_per_100_residents=None if scope.sector is not None else points_per_100(counted, population),
            targets_registered_share=share(ind["targets_registered"], ind["targets"]),
            targets_active_share=share(ind["targets_active"], ind["targets"]),
            venues_by_type=dict(sorted((st.by_type if st else {}).items())),
            target_basis="sector" if scope.sector is not None else "residents",
            population_units=national["with"] if unit is None else None,
            population_units_total=national["total"] if unit is None else None,
        )
        ind["lagging"] = is_lagging(ind)
        out[uid] = ind
    return out


def _national_population(*, user, scope: Scope) -> dict:
    """The whole generation's population and the scan points it is compared with, both over the
    provinces whose population is known only (a province without a figure would otherwise count
    its points against nobody): ``with`` of ``total`` provinces."""
    provinces = list(
        Unit.objects.restrict(user).filter(generation=scope.generation, depth=1).values_list("pk", "population")
    )
    known = {pk: p for pk, p in provinces if p}
    registered = 0
    if known:
        q = Q(sector=scope.sector) if scope.sector is not None else Q(sector__isnull=True)
        registered = (
            UnitStock.objects.restrict(user)
            .filter(q, generation=scope.generation, unit_id__in=list(known))
            .aggregate(n=Sum("registered"))["n"]
            or 0
        )
    return {
        "population": sum(known.values()) or None,
        "registered": registered,
        "with": len(known),
        "total": len(provinces),
    }


def points_per_100(registered: int, population: int | None) -> float | None:
    if not population:
        return None
    return round(registered * 100 / population, 3)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def is_lagging(ind: dict) -> bool:
    """Below target. A unit or sector with no scan point at all always lags (whatever its
    population or targets). A unit (all sectors): fewer than 1 scan point per 100 residents
    (where the population is known), or too few of its target establishments registered. A
    sector: too few of its own known target establishments registered and active
    (``targets_active_share``; the per-100-residents rule does not apply to a part of the venues)."""
    if ind["registered"] == 0:
        return True
    threshold = target_registered_share()
    if ind.get("target_basis") == "sector":
        s = ind["targets_active_share"]
        return s is not None and s < threshold
    p = ind["points_per_100_residents"]
    s = ind["targets_registered_share"]
    return (p is not None and p < TARGET_POINTS_PER_100) or (s is not None and s < threshold)


def unit_json(unit: Unit | None, generation: str) -> dict:
    if unit is None:
        return {"code": "", "name": _("Whole country"), "level": "country", "generation": generation}
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "generation": unit.generation,
        "latitude": unit.latitude,
        "longitude": unit.longitude,
    }


@reading_from_replica()
def coverage(*, user, scope: Scope, wait: bool = False) -> dict:
    """The coverage document: a unit's indicators and those of each of its child units.
    ``wait``: count a pending multi-day unique-visitor figure now (reports)."""
    from ravao.oversight import mapping
    from ravao.oversight.responsibility import as_json, responsibles

    children = children_of(user=user, scope=scope)
    mapped = any(c.generation != scope.generation for c in children)
    figures = indicators_for(user=user, scope=scope, units=[scope.unit], wait=wait)
    figures.update(
        indicators_for(
            user=user,
            scope=_with_generation(scope, children[0].generation) if mapped else scope,
            units=children,
            wait=wait,
        )
        if children
        else {}
    )
    people = responsibles(user=user, units=[scope.unit, *children], sector=scope.sector)
    return {
        "unit": unit_json(scope.unit, scope.generation),
        "sector": scope.sector.code if scope.sector else None,
        "from": scope.first.isoformat(),
        "to": scope.last.isoformat(),
        "indicators": figures[scope.unit.pk if scope.unit else None],
        "responsible": as_json(people.get(scope.unit.pk)) if scope.unit else None,
        "mapping": mapping.note(scope.unit, children) if mapped else None,
        "children": [
            {"unit": unit_json(c, c.generation), "indicators": figures[c.pk], "responsible": as_json(people.get(c.pk))}
            for c in children
        ],
    }


def _with_generation(scope: Scope, generation: str) -> Scope:
    return Scope(scope.unit, scope.sector, scope.first, scope.last, generation)


@reading_from_replica()
def trend(*, user, scope: Scope) -> list[dict]:
    """Per day of the period: scans, unique visitors that day, venues active that day (for an
    old-map unit mapped through, added up over its current communes: visitors too, as an upper
    bound)."""
    from ravao.oversight import mapping

    units, generation = [scope.unit], scope.generation
    if scope.unit is not None and generation != settings.RAVAO_UNIT_GENERATION and mapping.applies(generation):
        units, generation = (
            mapping.successors([scope.unit])[scope.unit.pk] or [scope.unit],
            settings.RAVAO_UNIT_GENERATION,
        )
    rows = {}
    for r in (
        UnitDay.objects.restrict(user)
        .filter(_key_filter(units, scope.sector), generation=generation, day__gte=scope.first, day__lte=scope.last)
        .values("day", "scans", "visitors", "active_24h")
    ):
        acc = rows.setdefault(r["day"], {"scans": 0, "visitors": 0, "active_24h": 0})
        for k in acc:
            acc[k] += r[k]
    out, d = [], scope.first
    while d <= scope.last:
        r = rows.get(d) or {}
        out.append(
            {
                "day": d.isoformat(),
                "scans": r.get("scans", 0),
                "visitors": r.get("visitors", 0),
                "active": r.get("active_24h", 0),
            }
        )
        d += timedelta(days=1)
    return out


@reading_from_replica()
def by_sector(*, user, scope: Scope) -> list[dict]:
    """The unit's indicators per sector (the sector view)."""
    sectors = [scope.sector] if scope.sector else list(Sector.objects.order_by("code"))
    rows = []
    for sector in sectors:
        sub = Scope(unit=scope.unit, sector=sector, first=scope.first, last=scope.last, generation=scope.generation)
        rows.append(
            {
                "sector": sector,
                "indicators": indicators_for(user=user, scope=sub, units=[scope.unit])[
                    scope.unit.pk if scope.unit else None
                ],
            }
        )
    return rows


@reading_from_replica()
def venue_rows(*, user, scope: Scope):
    """Venues of a lowest-level unit with their scans in the period and last scan."""
    from ravao.venues.models import Venue

    venues = Venue.objects.restrict(user).filter(unit=scope.unit).select_related("venue_type").order_by("name")
    if scope.sector is not None:
        venues = venues.filter(sector=scope.sector)
    venues = list(venues[:2000])
    week_start = scope.last - timedelta(days=6)
    days = (
        VenueDay.objects.restrict(user)
        .filter(venue_id__in=[v.pk for v in venues], day__gte=min(scope.first, week_start), day__lte=scope.last)
        .values_list("venue_id", "day", "scans", "last_scan_at")
    )
    stats = {v.pk: {"scans": 0, "active_24h": False, "active_7d": False, "last_scan_at": None} for v in venues}
    for venue_id, day, scans, last_scan in days:
        s = stats[venue_id]
        if day >= scope.first:
            s["scans"] += scans
        if day == scope.last:
            s["active_24h"] = True
        if day >= week_start:
            s["active_7d"] = True
        if s["last_scan_at"] is None or (last_scan and last_scan > s["last_scan_at"]):
            s["last_scan_at"] = last_scan
    return [{"venue": v, **stats[v.pk]} for v in venues]
