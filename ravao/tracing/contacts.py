"""The contact engine: who was where the case was, when (F1), and where the F1 were after (F2).

The rules, exactly (also in docs/tracing.md, and checked against a brute-force evaluation by a
property test on SQLite and PostgreSQL):

* Case visits: the case person's visits V with ``V.in < window.to`` and ``V.out > window.from``.
* A visit W of another person is an exposure to V when they share the place — the same trip
  when V is on a vehicle trip (``V.trip`` set), else the same venue (an event is a venue) — and
  ``W.in < V.out + buffer`` and ``W.out > V.in - buffer``.
* One exposure per visit W of the contact, with every V it is within reach of (its sources).
  ``overlap_minutes``: the time of W spent with the case, ``|W ∩ (V1 ∪ V2 ∪ …)|`` floored to the
  minute — never more than W lasted, however many case visits are within reach.
* A contact is a person (never the case, companions included) with all their exposures;
  ``total_overlap_minutes`` is the time spent with the case over all of them, the union
  ``|∪ (W ∩ V)|`` floored to the minute (never more than the contact was there). Ranked by that
  total (descending), then earliest exposure (``W.in``), then person id; all F1 before any F2.
* F2: for each F1, their visits X with ``X.in >= `` the ``W.in`` of their earliest exposure are
  traced with the same rules; people already at degree 1 (or the case) are never repeated.

Each probe visit (case visit or F1 visit) becomes one indexed range condition
``(venue_id | trip_id) = ? AND checked_in_at BETWEEN V.in - buffer - max_stay AND V.out + buffer``
(bounded check-in times: PostgreSQL prunes the daily partitions). On PostgreSQL the probes of a
batch are a VALUES list joined to the visits (one query per place column); on SQLite they are
OR-ed. The F1 list of a case with 20 visits is one or two queries, F2 a handful. Rows are
matched to probes in Python with the exact rule above.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Max, Q
from django.utils import timezone

from ravao.checkins.models import Visit
from ravao.core.dbrouting import read_connection
from ravao.tracing.conf import max_stay_hours
from ravao.venues.models import Venue

PROBES_PER_QUERY = 100  # OR-ed range conditions per query (SQLite)
VALUES_PER_QUERY = 1000  # probe rows per VALUES join (PostgreSQL)
PEOPLE_PER_QUERY = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = "(extract(epoch from {}) * 1000000)::bigint"
MAX_STAY_CACHE_KEY = "ravao:tracing:max-stay-minutes"
VISIT_FIELDS = ("id", "person_id", "venue_id", "trip_id", "checked_in_at", "checked_out_at")


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    person_id: int
    venue_id: int
    trip_id: int | None
    checked_in_at: datetime
    checked_out_at: datetime

    @property
    def place(self) -> tuple[str, int]:
        return ("trip", self.trip_id) if self.trip_id is not None else ("venue", self.venue_id)


def merged(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of time intervals as disjoint intervals in order (empty ones dropped)."""
    out: list[list[datetime]] = []
    for lo, hi in sorted(i for i in intervals if i[1] > i[0]):
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def minutes(intervals: Iterable[tuple[datetime, datetime]]) -> int:
    """The length of disjoint intervals, floored to the minute."""
    return int(sum((hi - lo for lo, hi in intervals), timedelta()).total_seconds() // 60)


@dataclass(slots=True)
class Exposure:
    """One visit of the contact, with the visits of the case (degree 1) or of F1 people
    (degree 2) within reach of it, and the time of it spent with them."""

    visit: VisitRow  # the contact's visit
    sources: list[VisitRow]  # within reach of ``visit`` (rule 3), by check-in time
    pieces: list[tuple[datetime, datetime]]  # visit ∩ (union of sources), disjoint, in order
    overlap_minutes: int

    @classmethod
    def of(cls, visit: VisitRow, sources: Iterable[VisitRow]) -> "Exposure":
        sources = sorted(sources, key=lambda v: (v.checked_in_at, v.id))
        pieces = merged(
            (max(v.checked_in_at, visit.checked_in_at), min(v.checked_out_at, visit.checked_out_at)) for v in sources
        )
        return cls(visit=visit, sources=sources, pieces=pieces, overlap_minutes=minutes(pieces))

    @property
    def source(self) -> VisitRow:
        """The earliest source (the place's kind and the case's side of one export line)."""
        return self.sources[0]

    @property
    def sources_from(self) -> datetime:
        return min(v.checked_in_at for v in self.sources)

    @property
    def sources_to(self) -> datetime:
        return max(v.checked_out_at for v in self.sources)


@dataclass
class Contact:
    person_id: int
    degree: int
    exposures: list[Exposure] = field(default_factory=list)

    # Cached: ranking reads them for every contact (tens of thousands at F2). Exposures are not
    # changed after grouping; a filtered view builds a new Contact.
    @cached_property
    def total_overlap_minutes(self) -> int:
        """Time spent with the case (F2: with F1 people): the union over every exposure, so an
        hour with two case visits at once, or seen from two case visits, is one hour."""
        return minutes(merged(piece for e in self.exposures for piece in e.pieces))

    @cached_property
    def first_exposure_at(self) -> datetime:
        return min(e.visit.checked_in_at for e in self.exposures)

    @property
    def via_person_ids(self) -> list[int]:
        return sorted({v.person_id for e in self.exposures for v in e.sources})


@dataclass
class TraceResult:
    case_visits: list[VisitRow]
    contacts: list[Contact]


def overlap_minutes(v: VisitRow, w: VisitRow) -> int:
    seconds = (min(v.checked_out_at, w.checked_out_at) - max(v.checked_in_at, w.checked_in_at)).total_seconds()
    return int(max(0.0, seconds) // 60)


def is_exposure(v: VisitRow, w: VisitRow, buffer: timedelta) -> bool:
    return (
        _same_place(v, w)
        and w.checked_in_at < v.checked_out_at + buffer
        and w.checked_out_at > v.checked_in_at - buffer
    )


def _same_place(v: VisitRow, w: VisitRow) -> bool:
    if v.trip_id is not None:
        return w.trip_id == v.trip_id
    return w.venue_id == v.venue_id


def _rows(qs) -> list[VisitRow]:
    return [VisitRow(*r) for r in qs.values_list(*VISIT_FIELDS)]


def max_stay() -> timedelta:
    """The longest a visit can last: the setting, or a venue's default stay if one is longer
    (an automatic check-out is check-in plus that stay). Cached for five minutes."""
    minutes = cache.get(MAX_STAY_CACHE_KEY)
    if minutes is None:
        longest = Venue.objects.aggregate(m=Max("default_stay_minutes"))["m"] or 0
        minutes = max(max_stay_hours() * 60, longest)
        cache.set(MAX_STAY_CACHE_KEY, minutes, 300)
    return timedelta(minutes=minutes)


def case_visits(*, person_id: int, window_from: datetime, window_to: datetime) -> list[VisitRow]:
    """The person's visits intersecting the window (bounded by check-in time: partitions pruned)."""
    lo = window_from - max_stay()
    qs = Visit.objects.filter(
        person_id=person_id, checked_in_at__gte=lo, checked_in_at__lt=window_to, checked_out_at__gt=window_from
    ).order_by("checked_in_at", "id")
    return _rows(qs)


def _probe_q(v: VisitRow, buffer: timedelta, max_stay: timedelta) -> Q:
    place = Q(trip_id=v.trip_id) if v.trip_id is not None else Q(venue_id=v.venue_id)
    return place & Q(
        checked_in_at__gte=v.checked_in_at - buffer - max_stay,
        checked_in_at__lt=v.checked_out_at + buffer,
        checked_out_at__gt=v.checked_in_at - buffer,
    )


def _candidates_or(batch: list[VisitRow], buffer: timedelta, max_stay: timedelta) -> list[VisitRow]:
    """One query: the probes' range conditions OR-ed (SQLite; small batches)."""
    lo = min(p.checked_in_at for p in batch) - buffer - max_stay
    hi = max(p.checked_out_at for p in batch) + buffer
    cond = reduce(or_, (_probe_q(p, buffer, max_stay) for p in batch))
    return _rows(Visit.objects.filter(cond, checked_in_at__gte=lo, checked_in_at__lt=hi))


def values_query(probes: list[VisitRow], column: str, buffer: timedelta, max_stay: timedelta) -> tuple[str, list]:
    """PostgreSQL: the probes (all with a trip, or all without) as a VALUES list joined to the visits.

    Each probe row drives an index range scan on (venue_id | trip_id, checked_in_at); the outer
    bounds on ``checked_in_at`` let the planner drop the daily partitions outside the batch.
    Times come back as integer microseconds: exact, and far cheaper to load than timestamptz.
    """
    values = ",".join(["(%s::bigint, %s::timestamptz, %s::timestamptz, %s::timestamptz)"] * len(probes))
    params: list = []
    for p in probes:
        key = p.venue_id if column == "venue_id" else p.trip_id
        params += [key, p.checked_in_at - buffer - max_stay, p.checked_out_at + buffer, p.checked_in_at - buffer]
    params += [min(p.checked_in_at for p in probes) - buffer - max_stay, max(p.checked_out_at for p in probes) + buffer]
    sql = (
        f"SELECT DISTINCT v.id, v.person_id, v.venue_id, v.trip_id, {_US.format('v.checked_in_at')}, "
        f"{_US.format('v.checked_out_at')} "
        f"FROM (VALUES {values}) AS p(k, lo, hi, out_lo) JOIN {Visit._meta.db_table} v ON v.{column} = p.k "
        f"AND v.checked_in_at >= p.lo AND v.checked_in_at < p.hi AND v.checked_out_at > p.out_lo "
        f"WHERE v.checked_in_at >= %s AND v.checked_in_at < %s"
    )
    return sql, params


def _candidates_values(batch: list[VisitRow], buffer: timedelta, max_stay: timedelta) -> list[VisitRow]:
    """One VALUES join per place column (venue probes, trip probes)."""
    rows: dict[int, VisitRow] = {}  # by id: a visit on a trip can come back from both queries
    for column in ("venue_id", "trip_id"):
        probes = [p for p in batch if (p.trip_id is None) == (column == "venue_id")]
        if not probes:
            continue
        sql, params = values_query(probes, column, buffer, max_stay)
        with read_connection().cursor() as cursor:
            cursor.execute(sql, params)
            rows.update(
                (i, VisitRow(i, pid, vid, tid, EPOCH + timedelta(microseconds=a), EPOCH + timedelta(microseconds=b)))
                for i, pid, vid, tid, a, b in cursor.fetchall()
            )
    return list(rows.values())


def find_exposures(
    probes: list[VisitRow], *, buffer: timedelta, exclude_person_ids: set[int]
) -> list[tuple[VisitRow, VisitRow]]:
    """Every (probe, visit) pair within reach (rule 3), visits of excluded people left out;
    ``group`` makes them exposures."""
    longest = max_stay()
    postgres = read_connection().vendor == "postgresql"
    size = VALUES_PER_QUERY if postgres else PROBES_PER_QUERY
    found: list[tuple[VisitRow, VisitRow]] = []
    for start in range(0, len(probes), size):
        batch = probes[start : start + size]
        # Probes by place, with their bounds: the place lookup already is the "same place" rule.
        by_place: dict[tuple[str, int], list] = defaultdict(list)
        for p in batch:
            by_place[p.place].append((p, p.checked_out_at + buffer, p.checked_in_at - buffer))
        rows = (_candidates_values if postgres else _candidates_or)(batch, buffer, longest)
        for w in rows:
            if w.person_id in exclude_person_ids:
                continue
            candidates = by_place.get(("venue", w.venue_id), [])
            if w.trip_id is not None:
                candidates = candidates + by_place.get(("trip", w.trip_id), [])
            w_in, w_out = w.checked_in_at, w.checked_out_at
            for p, hi, lo in candidates:
                if w_in < hi and w_out > lo:  # is_exposure(p, w, buffer), inlined for F2's volume
                    found.append((p, w))
    return found


def group(pairs: Iterable[tuple[VisitRow, VisitRow]], degree: int) -> dict[int, Contact]:
    """Contacts from (source, visit) pairs: one exposure per visit, with all its sources."""
    by_visit: dict[int, tuple[VisitRow, dict[int, VisitRow]]] = {}
    for source, visit in pairs:
        by_visit.setdefault(visit.id, (visit, {}))[1][source.id] = source
    contacts: dict[int, Contact] = {}
    for visit, sources in by_visit.values():
        c = contacts.get(visit.person_id)
        if c is None:
            c = contacts[visit.person_id] = Contact(person_id=visit.person_id, degree=degree)
        c.exposures.append(Exposure.of(visit, sources.values()))
    for c in contacts.values():
        c.exposures.sort(key=lambda e: (e.visit.checked_in_at, e.visit.id))
    return contacts


def rank(contacts: Iterable[Contact]) -> list[Contact]:
    return sorted(contacts, key=lambda c: (c.degree, -c.total_overlap_minutes, c.first_exposure_at, c.person_id))


def visits_after(first_exposure: dict[int, datetime]) -> list[VisitRow]:
    """Each person's visits from their first exposure on (one query per batch of people)."""
    people = sorted(first_exposure)
    until = timezone.now() + timedelta(days=1)
    rows: list[VisitRow] = []
    for start in range(0, len(people), PEOPLE_PER_QUERY):
        batch = people[start : start + PEOPLE_PER_QUERY]
        lo = min(first_exposure[p] for p in batch)
        # Bounded above too (visits are not in the future; a day's margin for clock errors).
        qs = Visit.objects.filter(person_id__in=batch, checked_in_at__gte=lo, checked_in_at__lt=until).order_by(
            "checked_in_at", "id"
        )
        rows.extend(r for r in _rows(qs) if r.checked_in_at >= first_exposure[r.person_id])
    return rows


def trace(
    *, person_id: int, window_from: datetime, window_to: datetime, buffer_minutes: int = 60, degree: int = 1
) -> TraceResult:
    """The case visits and the ranked contacts (degree 1, and degree 2 when ``degree == 2``)."""
    buffer = timedelta(minutes=buffer_minutes)
    visits = case_visits(person_id=person_id, window_from=window_from, window_to=window_to)
    f1 = group(find_exposures(visits, buffer=buffer, exclude_person_ids={person_id}), 1)
    contacts = list(f1.values())
    if degree >= 2 and f1:
        probes = visits_after({pid: c.first_exposure_at for pid, c in f1.items()})
        excluded = {person_id, *f1}
        f2 = group(find_exposures(probes, buffer=buffer, exclude_person_ids=excluded), 2)
        contacts += list(f2.values())
    return TraceResult(case_visits=visits, contacts=rank(contacts))


def _matches(probes: list[VisitRow], visits: list[VisitRow], buffer: timedelta) -> bool:
    """Whether any of ``visits`` is an exposure to any probe (rules 2–3)."""
    by_place: dict[tuple[str, int], list[VisitRow]] = defaultdict(list)
    for p in probes:
        by_place[p.place].append(p)
    for w in visits:
        candidates = by_place.get(("venue", w.venue_id), [])
        if w.trip_id is not None:
            candidates = candidates + by_place.get(("trip", w.trip_id), [])
        if any(is_exposure(p, w, buffer) for p in candidates):
            return True
    return False


def _visits_between(person_id: int, probes: list[VisitRow], buffer: timedelta) -> list[VisitRow]:
    lo = min(p.checked_in_at for p in probes) - buffer - max_stay()
    hi = max(p.checked_out_at for p in probes) + buffer
    return _rows(Visit.objects.filter(person_id=person_id, checked_in_at__gte=lo, checked_in_at__lt=hi))


def contact_degree(
    *,
    case_person_id: int,
    window_from: datetime,
    window_to: datetime,
    person_id: int,
    buffer_minutes: int = 60,
    degree: int = 2,
) -> int | None:
    """1 or 2 if ``person_id`` is a contact of the case with these parameters (exactly as
    ``trace`` would list them), else None. F1: two queries (the case's visits, the person's
    around them); F2 (only when not F1): the F1 list and their later visits, as ``trace`` does,
    without searching the F2 people themselves."""
    if person_id == case_person_id:
        return None
    buffer = timedelta(minutes=buffer_minutes)
    visits = case_visits(person_id=case_person_id, window_from=window_from, window_to=window_to)
    if not visits:
        return None
    if _matches(visits, _visits_between(person_id, visits, buffer), buffer):
        return 1
    if degree < 2:
        return None
    f1 = group(find_exposures(visits, buffer=buffer, exclude_person_ids={case_person_id}), 1)
    probes = visits_after({pid: c.first_exposure_at for pid, c in f1.items()}) if f1 else []
    if probes and _matches(probes, _visits_between(person_id, probes, buffer), buffer):
        return 2
    return None
