"""Random venues, people, visits and targets over the small map, and brute-force indicators
computed straight from those rows (the reference the aggregates are checked against)."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ravao.catalog.models import VenueType
from ravao.checkins.models import Visit
from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.people.models import Person
from ravao.venues.models import Venue, VenueStatus

END_DAY = date(2026, 11, 20)
DAYS = 10


def tz():
    return ZoneInfo(settings.TIME_ZONE)


def make_random_data(
    small_map,
    *,
    seed: int,
    venues: int = 30,
    people: int = 25,
    visits: int = 300,
    targets: int = 25,
    end_day: date = END_DAY,
    days: int = DAYS,
    leaves=None,
):
    rng = random.Random(seed)
    m = small_map
    leaves = leaves or [
        m.commune_a,
        m.commune_b,
        m.commune_c,
        m.legacy_commune_a1,
        m.legacy_commune_a2,
        m.legacy_commune_b1,
    ]
    types = list(
        VenueType.objects.filter(
            code__in=[
                "restaurant",
                "market",
                "school",
                "hospital",
                "bus",
                "supermarket",
                "office",
                "clinic",
            ]
        ).select_related("sector")
    ) or list(VenueType.objects.select_related("sector")[:8])
    made = []
    for i in range(venues):
        vt = rng.choice(types)
        made.append(
            Venue.objects.create(
                name=f"Venue {seed}-{i}",
                venue_type=vt,
                sector=vt.sector,
                unit=rng.choice(leaves),
                default_stay_minutes=60,
                status=rng.choice([VenueStatus.ACTIVE] * 4 + [VenueStatus.SUSPENDED, VenueStatus.CLOSED]),
                verified=rng.random() < 0.6,
            )
        )
    persons = [Person.objects.create(full_name=f"P{i}") for i in range(people)]
    first_day = end_day - timedelta(days=days - 1)
    rows = []
    for _ in range(visits):
        day = first_day + timedelta(days=rng.randrange(days))
        # Include the edges of the local day (00:00:00 and 23:59:59) to catch time-zone slips.
        seconds = rng.choice([0, 86399, rng.randrange(86400)])
        at = datetime.combine(day, time.min, tzinfo=tz()) + timedelta(seconds=seconds)
        rows.append(
            Visit(
                venue=rng.choice(made),
                person=rng.choice(persons),
                checked_in_at=at,
                checked_out_at=at + timedelta(hours=1),
                channel="import",
            )
        )
    Visit.objects.bulk_create(rows)
    for i in range(targets):
        vt = rng.choice(types + [None])
        status = rng.choice(TargetStatus.values)
        venue = rng.choice(made) if status in (TargetStatus.REGISTERED, TargetStatus.ACTIVE) else None
        TargetEstablishment.objects.create(
            unit=venue.unit if venue else rng.choice(leaves),
            name=f"Target {i}",
            venue_type=vt,
            sector=venue.sector if venue else (vt.sector if vt else None),
            status=status,
            venue=venue,
        )
    return made


def local_day(moment: datetime) -> date:
    return moment.astimezone(tz()).date()


def brute_force(*, unit, generation: str, sector=None, first: date, last: date) -> dict:
    """Every indicator recomputed from the raw rows, with no aggregate involved."""

    def inside(u):
        return u.generation == generation and (unit is None or u.path.startswith(unit.path))

    venues = [
        v
        for v in Venue.objects.select_related("unit", "venue_type")
        if inside(v.unit) and (sector is None or v.sector_id == sector.pk)
    ]
    venue_ids = {v.pk for v in venues}
    now = timezone.now()

    def running(v):  # an event counts as a scan point only while it runs
        if v.venue_type.kind != "event":
            return True
        return (v.starts_at is None or v.starts_at <= now) and (v.ends_at is None or v.ends_at >= now)

    open_venues = [v for v in venues if v.status != VenueStatus.CLOSED and running(v)]
    visits = [x for x in Visit.objects.all() if x.venue_id in venue_ids]
    in_period = [x for x in visits if first <= local_day(x.checked_in_at) <= last]
    scanned_ever = set(Visit.objects.values_list("venue_id", flat=True))
    targets = [
        t
        for t in TargetEstablishment.objects.select_related("unit")
        if inside(t.unit) and (sector is None or t.sector_id == sector.pk)
    ]

    def t_status(t):
        if t.status == TargetStatus.REGISTERED and t.venue_id in scanned_ever:
            return TargetStatus.ACTIVE
        return t.status

    by_type = {}
    for v in open_venues:
        by_type[v.venue_type.code] = by_type.get(v.venue_type.code, 0) + 1
    if unit is None:
        from ravao.units.models import Unit

        # Over the provinces with a population only (points and residents alike).
        known = {u.pk: u for u in Unit.objects.filter(generation=generation, depth=1, population__gt=0)}
        population = sum(u.population for u in known.values()) or None
        counted = sum(1 for v in open_venues if any(v.unit.is_within(p) for p in known.values()))
    else:
        population = unit.population
    registered = len(open_venues)
    if unit is not None:
        counted = registered
    return {
        "registered": registered,
        "suspended": sum(v.status == VenueStatus.SUSPENDED for v in venues),
        "unverified": sum(not v.verified for v in open_venues),
        "venues_by_type": dict(sorted(by_type.items())),
        "scans": len(in_period),
        "unique_visitors": len({x.person_id for x in in_period}),
        "active_24h": len({x.venue_id for x in visits if local_day(x.checked_in_at) == last}),
        "active_7d": len(
            {x.venue_id for x in visits if last - timedelta(days=6) <= local_day(x.checked_in_at) <= last}
        ),
        "population": population,
        "points_per_100_residents": (round(counted * 100 / population, 3) if population and sector is None else None),
        "targets": len(targets),
        "targets_registered": sum(t_status(t) in (TargetStatus.REGISTERED, TargetStatus.ACTIVE) for t in targets),
        "targets_active": sum(t_status(t) == TargetStatus.ACTIVE for t in targets),
    }


def add_visits(*, seed: int, venues, persons, visits: int, first_day: date, last_day: date) -> list:
    """More visits by existing people at existing venues (a later upload, a new batch)."""
    rng = random.Random(seed)
    days = (last_day - first_day).days + 1
    rows = []
    for _ in range(visits):
        day = first_day + timedelta(days=rng.randrange(days))
        seconds = rng.choice([0, 86399, rng.randrange(86400)])
        at = datetime.combine(day, time.min, tzinfo=tz()) + timedelta(seconds=seconds)
        rows.append(
            Visit(
                venue=rng.choice(venues),
                person=rng.choice(persons),
                checked_in_at=at,
                checked_out_at=at + timedelta(hours=1),
                channel="import",
            )
        )
    return Visit.objects.bulk_create(rows)
