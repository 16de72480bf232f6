"""The second hop (F2) as a tracer reads it: one ranked page and the count, or every contact streamed.

The rules are those of ``contacts`` (docs/tracing.md, rule 7): each F1 person's visits X with
``X.in >=`` their first exposure's ``W.in`` are probes; a visit W of anyone but the case and the
F1 people is an exposure to a probe at the same place (trip, else venue) with
``W.in < X.out + buffer`` and ``W.out > X.in - buffer``. One exposure per visit W (with every X
within reach); times with F1 people as unions of intervals (W ∩ X), floored to the minute.

On PostgreSQL the whole second hop is one set-based query: the probes are read through
``(person_id, checked_in_at)``, each probe drives an index range scan on
``(venue_id | trip_id, checked_in_at)`` (bounded: partitions pruned), the exposures are
aggregated per person (total overlap, first exposure, the display filters' totals) and ranked
in SQL with the order of ``contacts.rank`` — only the page's person ids come back to Python.
The total is the length of the union of the pieces ``W ∩ X`` (gaps and islands: a piece
starts a new island when it begins after every earlier piece of that person has ended).
A second query then reads the page's people's exposures (their own visits, hash-joined to the
probes), so the Python work is proportional to the page, not to the F2 population.

On SQLite (development, tests) the same answers come from the Python engine (``contacts.trace``)
followed by the same filters, ranking and slicing: the property test checks both against a
brute-force evaluation of the rules.

Display filters (``Filters``) keep the exposures at venues of a type (``venue_type``, on the
contact's venue) or of a kind (``kind``: trip, event, venue — of the probe's place), drop the
contacts left without any, then those whose kept total is under ``min_overlap_minutes``. A kind
filter keeps, of an exposure, only the probes of that kind (its overlap is then the time with
those). The order stays that of the unfiltered ranking, as for F1 (``selectors.case_contacts``).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ravao.catalog.models import VenueKind, VenueType
from ravao.checkins.models import Visit
from ravao.core.dbrouting import read_connection
from ravao.tracing import contacts as engine
from ravao.venues.models import Venue

STREAM_ROWS = 2000  # exposure rows fetched at a time by the streaming cursor
WORK_MEM = "64MB"  # per query of the second hop (SET LOCAL)


@dataclass(frozen=True)
class Filters:
    min_overlap_minutes: int = 0
    venue_type: str = ""
    kind: str = ""

    @property
    def on_exposures(self) -> bool:
        return bool(self.venue_type or self.kind)


@dataclass
class Page:
    contacts: list  # engine.Contact (degree 2), exposures kept by the filters, ranked
    count: int  # F2 contacts kept by the filters
    all_count: int  # F2 contacts before the filters


def exposure_kind(trip_id, venue_kind: str) -> str:
    """The kind of an exposure from its probe: on a trip, at an event, or at a venue."""
    if trip_id is not None:
        return "trip"
    return "event" if venue_kind == VenueKind.EVENT else "venue"


def venue_types(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Venue id -> (venue type code, venue kind)."""
    ids = list(set(ids))
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 5000):
        rows = Venue.objects.filter(id__in=ids[start : start + 5000]).values_list(
            "id", "venue_type__code", "venue_type__kind"
        )
        found.update((i, (code, kind)) for i, code, kind in rows)
    return found


def apply_filters(contacts: Iterable, filters: Filters, types: dict[int, tuple[str, str]] | None = None) -> Iterator:
    """The contacts as the display filters leave them (order kept). ``types``: ``venue_types``
    of every venue in the exposures (loaded here when needed and not given)."""
    for c in contacts:
        if filters.on_exposures:
            if types is None:
                c_types = venue_types(
                    {e.visit.venue_id for e in c.exposures} | {s.venue_id for e in c.exposures for s in e.sources}
                )
            else:
                c_types = types
            kept, changed = [], False
            for e in c.exposures:
                if filters.venue_type and c_types[e.visit.venue_id][0] != filters.venue_type:
                    changed = True
                    continue
                sources = (
                    e.sources
                    if not filters.kind
                    else [s for s in e.sources if exposure_kind(s.trip_id, c_types[s.venue_id][1]) == filters.kind]
                )
                if not sources:
                    changed = True
                elif len(sources) != len(e.sources):
                    kept.append(engine.Exposure.of(e.visit, sources))
                    changed = True
                else:
                    kept.append(e)
            if not kept:
                continue
            if changed:
                c = engine.Contact(person_id=c.person_id, degree=c.degree, exposures=kept)
        if c.total_overlap_minutes >= filters.min_overlap_minutes:
            yield c


# --- PostgreSQL -------------------------------------------------------------------------------

_US = "(extract(epoch from {}) * 1000000)::bigint"
_VISIT = "{0}.id, {0}.person_id, {0}.venue_id, {0}.trip_id, {0}.checked_in_at, {0}.checked_out_at"


@dataclass
class _Hop:
    """The parameters of one second hop, and the SQL pieces every query shares."""

    case_person_id: int
    first_exposure: dict[int, datetime]  # F1 person -> W.in of their first exposure
    buffer: timedelta
    filters: Filters

    def __post_init__(self):
        self.max_stay = engine.max_stay()
        self.until = timezone.now() + timedelta(days=1)  # as ``contacts.visits_after``
        self.since = min(self.first_exposure.values())
        people = sorted(self.first_exposure)
        self.params: dict = {
            "f1_ids": people,
            "f1_since": [self.first_exposure[p] for p in people],
            "excluded": sorted({self.case_person_id, *people}),
            "since": self.since,
            "until": self.until,
            "buffer": self.buffer,
            "reach": self.buffer + self.max_stay,
            # Outer bounds on the contacts' check-in times: the planner drops the other partitions.
            "w_lo": self.since - self.buffer - self.max_stay,
            "w_hi": self.until + self.buffer,
            "min_overlap": self.filters.min_overlap_minutes,
            "venue_type": self.filters.venue_type,
            "kind": self.filters.kind,
        }

    def probes_cte(self) -> str:
        visits = Visit._meta.db_table
        return (
            "f1 AS (SELECT * FROM unnest(%(f1_ids)s::bigint[], %(f1_since)s::timestamptz[]) AS f(person_id, since)), "
            "excluded AS (SELECT unnest(%(excluded)s::bigint[]) AS person_id), "
            # Venue probes and trip probes apart: the planner then estimates how many there are
            # (a filter on a CTE's output would be a blind guess). LATERAL with OFFSET 0 (not
            # flattened): each F1 person's visits through the (person_id, checked_in_at) index,
            # never a hash of every visit on a trip.
            f"probes_v AS MATERIALIZED (SELECT x.* FROM f1 CROSS JOIN LATERAL (SELECT {_VISIT.format('v')} "
            f"FROM {visits} v WHERE v.person_id = f1.person_id AND v.checked_in_at >= f1.since "
            "AND v.checked_in_at >= %(since)s AND v.checked_in_at < %(until)s AND v.trip_id IS NULL OFFSET 0) x), "
            f"probes_t AS MATERIALIZED (SELECT x.* FROM f1 CROSS JOIN LATERAL (SELECT {_VISIT.format('v')} "
            f"FROM {visits} v WHERE v.person_id = f1.person_id AND v.checked_in_at >= f1.since "
            "AND v.checked_in_at >= %(since)s AND v.checked_in_at < %(until)s AND v.trip_id IS NOT NULL OFFSET 0) x)"
        )

    def exposures_sql(self, contacts_source: str, *, full: bool = True) -> str:
        """Exposure rows (probe columns ``p_*``, visit columns ``w_*``, ``overlap``, and ``keep``:
        whether the display filters keep it) between the probes and ``contacts_source`` (the
        visit table, or a CTE of some people's visits). ``full=False``: only what the ranking
        needs (a covering index on the place and check-in time then answers without the heap)."""
        columns = (
            (
                "p.id AS p_id, p.person_id AS p_person, p.venue_id AS p_venue, p.trip_id AS p_trip, "
                "p.checked_in_at AS p_in, p.checked_out_at AS p_out, w.id AS w_id, w.person_id AS w_person, "
                "w.venue_id AS w_venue, w.trip_id AS w_trip, w.checked_in_at AS w_in, w.checked_out_at AS w_out"
            )
            if full
            else "p.venue_id AS p_venue, p.trip_id AS p_trip, w.person_id AS w_person, w.venue_id AS w_venue, "
            "w.checked_in_at AS w_in"
        )
        # The piece of W spent with this probe (empty when hi <= lo): totals are unions of pieces.
        select = (
            f"SELECT {columns}, greatest(p.checked_in_at, w.checked_in_at) AS lo, "
            "least(p.checked_out_at, w.checked_out_at) AS hi"
        )
        # The exact rule, with the outer bounds on the contacts' check-in times (partitions pruned).
        cond = (
            "AND w.checked_in_at >= p.checked_in_at - %(reach)s AND w.checked_in_at < p.checked_out_at + %(buffer)s "
            "AND w.checked_out_at > p.checked_in_at - %(buffer)s "
            "WHERE w.checked_in_at >= %(w_lo)s AND w.checked_in_at < %(w_hi)s "
        ) + ("AND NOT EXISTS (SELECT 1 FROM excluded e WHERE e.person_id = w.person_id)" if full else "")
        union = (
            f"{select} FROM probes_v p JOIN {contacts_source} w ON w.venue_id = p.venue_id {cond} "
            f"UNION ALL {select} FROM probes_t p JOIN {contacts_source} w ON w.trip_id = p.trip_id {cond}"
        )
        venues, types = Venue._meta.db_table, VenueType._meta.db_table
        keep, joins = [], ""
        if self.filters.venue_type:
            joins += f" JOIN {venues} wv ON wv.id = x.w_venue JOIN {types} wt ON wt.id = wv.venue_type_id"
            keep.append("wt.code = %(venue_type)s")
        if self.filters.kind:
            joins += f" JOIN {venues} pv ON pv.id = x.p_venue JOIN {types} pt ON pt.id = pv.venue_type_id"
            keep.append(
                f"(CASE WHEN x.p_trip IS NOT NULL THEN 'trip' WHEN pt.kind = '{VenueKind.EVENT.value}' "
                "THEN 'event' ELSE 'venue' END) = %(kind)s"
            )
        return f"SELECT x.*, {' AND '.join(keep) or 'true'} AS keep FROM ({union}) x{joins}"

    def ranked_cte(self, *, full: bool = False) -> str:
        """``agg``: one row per F2 person (unfiltered total and first exposure: the ranking;
        kept exposures and their total: the filters); ``ranked``: the kept ones."""
        kept_total = _union_minutes("exposures", "keep") if self.filters.on_exposures else "SELECT * FROM all_total"
        return (
            f"{self.probes_cte()}, exposures AS ({self.exposures_sql(Visit._meta.db_table, full=full)}), "
            f"all_total AS ({_union_minutes('exposures', 'true')}), kept_total AS ({kept_total}), "
            "agg_all AS (SELECT x.w_person AS person_id, coalesce(t.minutes, 0) AS total, x.first, x.kept, "
            "coalesce(k.minutes, 0) AS kept_total FROM (SELECT w_person, min(w_in) AS first, "
            "count(*) FILTER (WHERE keep) AS kept FROM exposures GROUP BY w_person) x "
            "LEFT JOIN all_total t ON t.w_person = x.w_person LEFT JOIN kept_total k ON k.w_person = x.w_person), "
            # The case and the F1 people dropped after grouping: one probe per person, not per row.
            "agg AS (SELECT * FROM agg_all a WHERE NOT EXISTS (SELECT 1 FROM excluded e WHERE e.person_id = "
            "a.person_id)), "
            "ranked AS (SELECT person_id, total, first FROM agg WHERE kept > 0 AND kept_total >= %(min_overlap)s)"
        )

    def page(self, offset: int, limit: int | None) -> tuple[list[int], int, int]:
        """The page's person ids in rank order, the kept count and the count before filters."""
        sql = (
            f"WITH {self.ranked_cte()}, "
            "counts AS (SELECT (SELECT count(*) FROM agg) AS all_n, (SELECT count(*) FROM ranked) AS n) "
            "SELECT c.all_n, c.n, page.person_id FROM counts c LEFT JOIN LATERAL ("
            "SELECT person_id, total, first FROM ranked ORDER BY total DESC, first, person_id "
            "LIMIT %(limit)s OFFSET %(offset)s) page ON true ORDER BY page.total DESC, page.first, page.person_id"
        )
        connection = read_connection()  # a replica inside reading_from_replica()
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            _tune(cursor)
            cursor.execute(sql, {**self.params, "limit": limit, "offset": offset})
            rows = cursor.fetchall()
        return [r[2] for r in rows if r[2] is not None], rows[0][1], rows[0][0]

    def exposures_of(self, people: list[int]) -> list[tuple[tuple[engine.VisitRow, engine.VisitRow], bool]]:
        """Every (probe, visit) pair of these F2 people, with whether the filters keep it: their
        own visits in the hop's span, hash-joined to the probes."""
        sql = (
            f"WITH {self.probes_cte()}, "
            f"pv AS MATERIALIZED (SELECT {_VISIT.format('v')} FROM {Visit._meta.db_table} v "
            "WHERE v.person_id = ANY(%(people)s::bigint[]) AND v.checked_in_at >= %(w_lo)s "
            "AND v.checked_in_at < %(w_hi)s) "
            f"SELECT {_ROW} FROM ({self.exposures_sql('pv')}) e"
        )
        with read_connection().cursor() as cursor:
            cursor.execute(sql, {**self.params, "people": people})
            return [_pair(r) for r in cursor.fetchall()]

    def stream(self) -> Iterator[engine.Contact]:
        """Every kept F2 contact in rank order with their kept exposures, from one query read
        through a server-side cursor (memory bounded by ``STREAM_ROWS``)."""
        sql = (
            f"WITH {self.ranked_cte(full=True)} "
            f"SELECT {_ROW} FROM exposures e JOIN ranked r ON r.person_id = e.w_person "
            "ORDER BY r.total DESC, r.first, r.person_id, e.w_in, e.w_id, e.p_in, e.p_id"
        )
        current: int | None = None  # the person whose pairs are being read
        pairs: list = []
        connection = read_connection()  # one connection for the settings, the cursor and the reset
        # No transaction of our own: a caller writing as it reads (notifications: the row before
        # the message) must commit each write as it goes. Outside a transaction the cursor is
        # WITH HOLD (the server keeps the result); the settings are the session's until reset.
        with connection.cursor() as cursor:
            _tune(cursor, local=False)
        try:
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, self.params)
                while rows := cursor.fetchmany(STREAM_ROWS):
                    for row in rows:
                        pair, keep = _pair(row)
                        if not keep:
                            continue
                        if current is not None and current != pair[1].person_id:
                            yield engine.group(pairs, 2)[current]
                            pairs = []
                        current = pair[1].person_id
                        pairs.append(pair)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit; RESET work_mem")
        if current is not None:
            yield engine.group(pairs, 2)[current]


def _union_minutes(source: str, condition: str) -> str:
    """Per person of ``source`` (rows ``w_person, lo, hi``), the length of the union of the
    pieces ``[lo, hi)`` that meet ``condition``, floored to the minute (rule 5): gaps and islands
    — a piece opens a new island when it starts after every earlier piece has ended."""
    return (
        "SELECT w_person, floor(sum(extract(epoch from (i_hi - i_lo))) / 60)::bigint AS minutes FROM ("
        "SELECT w_person, min(lo) AS i_lo, max(hi) AS i_hi FROM ("
        "SELECT w_person, lo, hi, count(*) FILTER (WHERE reach IS NULL OR lo > reach) "
        "OVER (PARTITION BY w_person ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS island FROM ("
        "SELECT w_person, lo, hi, max(hi) OVER (PARTITION BY w_person ORDER BY lo, hi "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach "
        f"FROM {source} WHERE hi > lo AND {condition}) m) n GROUP BY w_person, island) i GROUP BY w_person"
    )


def _tune(cursor, local: bool = True):
    """For this transaction (or the session: ``local=False``): no JIT (its compilation alone
    costs ~0.8 s on these plans, which the planner misjudges: it cannot know how many rows a
    probe meets) and room to hash the aggregate in memory instead of sorting on disk."""
    scope = "LOCAL " if local else ""
    cursor.execute(f"SET {scope}jit = off; SET {scope}work_mem = '{WORK_MEM}'")


_ROW = ", ".join(
    [
        "e.p_id",
        "e.p_person",
        "e.p_venue",
        "e.p_trip",
        _US.format("e.p_in"),
        _US.format("e.p_out"),
        "e.w_id",
        "e.w_person",
        "e.w_venue",
        "e.w_trip",
        _US.format("e.w_in"),
        _US.format("e.w_out"),
        "e.keep",
    ]
)


def _time(us: int) -> datetime:
    return engine.EPOCH + timedelta(microseconds=us)


def _pair(r) -> tuple[tuple[engine.VisitRow, engine.VisitRow], bool]:
    """A (probe, visit) pair within reach, and whether the display filters keep it."""
    source = engine.VisitRow(r[0], r[1], r[2], r[3], _time(r[4]), _time(r[5]))
    visit = engine.VisitRow(r[6], r[7], r[8], r[9], _time(r[10]), _time(r[11]))
    return (source, visit), r[12]


# --- Entry points -----------------------------------------------------------------------------


def _postgres() -> bool:
    return read_connection().vendor == "postgresql"


def _python_f2(case_person_id: int, f1: dict, buffer: timedelta) -> list[engine.Contact]:
    """The Python engine's F2 (SQLite), ranked."""
    probes = engine.visits_after({pid: c.first_exposure_at for pid, c in f1.items()})
    found = engine.find_exposures(probes, buffer=buffer, exclude_person_ids={case_person_id, *f1})
    return engine.rank(engine.group(found, 2).values())


def page(
    *,
    case_person_id: int,
    f1: dict,
    buffer_minutes: int,
    filters: Filters = Filters(),
    offset: int = 0,
    limit: int | None = None,
    sql: bool | None = None,
) -> Page:
    """One page of the ranked F2 contacts of a case whose F1 contacts are ``f1`` (person id ->
    ``engine.Contact``, unfiltered: F2 is traced from the full F1), with the counts. ``sql``:
    the set-based path (default on PostgreSQL) or the Python engine (tests compare them)."""
    if not f1:
        return Page([], 0, 0)
    buffer = timedelta(minutes=buffer_minutes)
    if not (_postgres() if sql is None else sql):
        everything = _python_f2(case_person_id, f1, buffer)
        kept = list(apply_filters(everything, filters))
        end = None if limit is None else offset + limit
        return Page(kept[offset:end], len(kept), len(everything))
    hop = _Hop(case_person_id, {pid: c.first_exposure_at for pid, c in f1.items()}, buffer, filters)
    people, count, all_count = hop.page(offset, limit)
    if not people:
        return Page([], count, all_count)
    grouped = engine.group((pair for pair, keep in hop.exposures_of(people) if keep), 2)
    # The SQL kept these people with these filters: their kept exposures are the same ones.
    return Page([grouped[p] for p in people], count, all_count)


def stream(
    *, case_person_id: int, f1: dict, buffer_minutes: int, filters: Filters = Filters(), sql: bool | None = None
) -> Iterator:
    """Every F2 contact kept by the filters, ranked, with their kept exposures (exports)."""
    if not f1:
        return
    buffer = timedelta(minutes=buffer_minutes)
    if not (_postgres() if sql is None else sql):
        yield from apply_filters(_python_f2(case_person_id, f1, buffer), filters)
        return
    hop = _Hop(case_person_id, {pid: c.first_exposure_at for pid, c in f1.items()}, buffer, filters)
    yield from hop.stream()
