"""Tracing reads: cases in the user's area, a case's contacts with their details, windows."""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain, islice

from django.utils.translation import gettext as _

from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.checkins.models import Visit
from ravao.core.dbrouting import reading_from_replica
from ravao.core.errors import NotFound
from ravao.people.models import Person
from ravao.tracing import contacts as engine
from ravao.tracing import second_degree as second
from ravao.tracing.conf import buffer_minutes as default_buffer
from ravao.tracing.models import Case, ContactTrace, ExposureWindow, Notification
from ravao.tracing.services import require_tracer
from ravao.units.models import Unit
from ravao.venues.models import Venue


def case_list(*, user, status: str = ""):
    qs = Case.objects.restrict(user).select_related("unit").order_by("-created_at", "-id")
    return qs.filter(status=status) if status else qs


def case_get(*, user, case_id) -> Case:
    """The case if it lies in the user's area (a tracer's), else a 404 — never the data."""
    require_tracer(user)
    case = Case.objects.restrict(user).select_related("person", "unit").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such case in your area."))
    return case


@dataclass
class CaseContacts:
    case: Case
    case_visits: list
    contacts: list  # engine.Contact, filtered and ranked: every F1, then the requested F2 page
    all_count: int  # contacts before the display filters (F1 + every F2)
    venues: dict  # venue id -> {"code", "name", "kind", "type", "type_name", "unit_code", "unit_name"}
    people: dict  # person id -> Person (decrypted on access)
    traces: dict  # person id -> ContactTrace
    notified: set
    f1_count: int = 0  # F1 contacts kept by the filters (all in ``contacts``)
    f2_count: int = 0  # F2 contacts kept by the filters (``f2_limit`` of them from ``f2_offset`` in ``contacts``)
    f2_offset: int = 0
    f2_limit: int | None = None
    # Evidence (docs/tracing.md, rule 9): ids of the unproven claims among the visits shown
    # (contacts' and case/F1 visits), each contact's evidence, and the counts before ``evidence``.
    unproven: set = field(default_factory=set)
    evidence: dict = field(default_factory=dict)  # person id -> Evidence
    evidence_counts: dict = field(default_factory=dict)  # "weak", "only_unproven_claims", "only_unverified_venues"


PERSON_FIELDS = ("id", "full_name", "phone", "id_number", "birth_year", "sex", "guardian_id")


def _venues(ids) -> dict:
    ids = list(ids)
    rows = []
    for start in range(0, len(ids), 5000):
        rows += Venue.objects.filter(id__in=ids[start : start + 5000]).values_list(
            "id",
            "code",
            "name",
            "venue_type__kind",
            "venue_type__code",
            "venue_type__name_vi",
            "venue_type__name_en",
            "unit__code",
            "unit__name",
            "latitude",
            "longitude",
            "street",
            "contact_name",
            "contact_phone",
            "unit_id",
            "unit__path",
            "verified",
        )
    return {
        r[0]: {
            "code": r[1],
            "name": r[2],
            "venue_kind": r[3],
            "type": r[4],
            "type_name_vi": r[5],
            "type_name_en": r[6],
            "unit_code": r[7],
            "unit_name": r[8],
            "latitude": r[9],
            "longitude": r[10],
            "street": r[11],
            "contact_name": r[12],
            "contact_phone": r[13],
            "unit_id": r[14],
            "unit_path": r[15],
            "verified": r[16],
        }
        for r in rows
    }


def exposure_kind(source, venue: dict) -> str:
    return second.exposure_kind(source.trip_id, venue.get("venue_kind"))


def _filters(min_overlap_minutes: int, venue_type: str, kind: str) -> second.Filters:
    return second.Filters(min_overlap_minutes=min_overlap_minutes, venue_type=venue_type, kind=kind)


def _trace_f1(case: Case, buffer_minutes: int | None):
    buffer = default_buffer() if buffer_minutes is None else buffer_minutes
    result = engine.trace(
        person_id=case.person_id,
        window_from=case.infectious_from,
        window_to=case.infectious_to,
        buffer_minutes=buffer,
        degree=1,
    )
    return result, buffer


def _venue_types(venues: dict) -> dict:
    return {i: (v["type"], v["venue_kind"]) for i, v in venues.items()}


def _exposure_venues(contacts) -> set:
    ids = set()
    for c in contacts:
        for e in c.exposures:
            ids.add(e.visit.venue_id)
            ids.update(v.venue_id for v in e.sources)
    return ids


EVIDENCE_CHOICES = ("", "proven", "weak")  # every contact; hide the weak ones; only the weak ones
UNPROVEN_IDS_PER_QUERY = 10_000


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a contact's exposures rest on. An exposure rests on an unproven claim when the
    contact's visit is one, or when every case (F2: F1) visit within reach of it is one; it is at
    an unverified venue when the contact's venue is not verified. ``weak``: every exposure is
    one or the other."""

    only_unproven_claims: bool
    only_unverified_venues: bool
    weak: bool

    def as_dict(self) -> dict:
        return {
            "weak": self.weak,
            "only_unproven_claims": self.only_unproven_claims,
            "only_unverified_venues": self.only_unverified_venues,
        }


def unproven_visits(rows) -> set[int]:
    """The ids of the unproven claims among these visits (``VisitRow``s or visits): one query per
    10,000 ids (one for a page or an export batch), each bounded by the first and last check-in
    time of its ids so that PostgreSQL prunes the partitions. The engine's SQL is unchanged."""
    keyed = sorted({(r.checked_in_at, r.id) for r in rows})
    found: set[int] = set()
    for start in range(0, len(keyed), UNPROVEN_IDS_PER_QUERY):
        chunk = keyed[start : start + UNPROVEN_IDS_PER_QUERY]
        found.update(
            Visit.objects.filter(
                checked_in_at__gte=chunk[0][0],
                checked_in_at__lte=chunk[-1][0],
                id__in=[i for _, i in chunk],
                proven=False,
            ).values_list("id", flat=True)
        )
    return found


def _exposure_visits(contacts, case_visits=()) -> list:
    rows = list(case_visits)
    for c in contacts:
        for e in c.exposures:
            rows.append(e.visit)
            rows.extend(e.sources)
    return rows


def exposure_unproven(unproven: set, e) -> bool:
    """The exposure rests on an unproven claim: the contact's visit, or every source visit."""
    return e.visit.id in unproven or all(v.id in unproven for v in e.sources)


def exposure_unverified(venues: dict, e) -> bool:
    return not venues[e.visit.venue_id].get("verified", True)


def contact_evidence(unproven: set, venues: dict, c) -> Evidence:
    claims = [exposure_unproven(unproven, e) for e in c.exposures]
    places = [exposure_unverified(venues, e) for e in c.exposures]
    return Evidence(
        only_unproven_claims=all(claims),
        only_unverified_venues=all(places),
        weak=all(a or b for a, b in zip(claims, places, strict=True)),
    )


def _weigh(contacts: list, unproven: set, venues: dict) -> tuple[dict, dict]:
    evidence = {c.person_id: contact_evidence(unproven, venues, c) for c in contacts}
    counts = {"weak": 0, "only_unproven_claims": 0, "only_unverified_venues": 0}
    for ev in evidence.values():
        counts["weak"] += ev.weak
        counts["only_unproven_claims"] += ev.only_unproven_claims
        counts["only_unverified_venues"] += ev.only_unverified_venues
    return evidence, counts


def _by_evidence(contacts: list, evidence: dict, choice: str) -> list:
    if choice == "proven":
        return [c for c in contacts if not evidence[c.person_id].weak]
    if choice == "weak":
        return [c for c in contacts if evidence[c.person_id].weak]
    return contacts


def _details(case: Case, contacts: list, with_people: bool) -> tuple[dict, dict, set]:
    """People (decrypted on access), follow-ups and notifications of these contacts, in bulk."""
    ids = [c.person_id for c in contacts]
    people: dict = {}
    traces: dict = {}
    notified: set = set()
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        if with_people:
            # Only the fields shown: every encrypted field loaded is a decryption.
            people.update(Person.objects.only(*PERSON_FIELDS).in_bulk(batch))
        traces.update((t.person_id, t) for t in ContactTrace.objects.filter(case=case, person_id__in=batch))
        notified.update(Notification.objects.filter(case=case, person_id__in=batch).values_list("person_id", flat=True))
    return people, traces, notified


@reading_from_replica()
def case_contacts(
    *,
    case: Case,
    degree: int = 1,
    buffer_minutes: int | None = None,
    min_overlap_minutes: int = 0,
    venue_type: str = "",
    kind: str = "",
    with_people: bool = True,
    f2_offset: int = 0,
    f2_limit: int | None = None,
    f1: bool = True,
    evidence: str = "",
) -> CaseContacts:
    """Trace the case and apply the display filters: every F1 contact (unless ``f1`` is False),
    then, for degree 2, the page of ``f2_limit`` F2 contacts from ``f2_offset`` (all of them
    without a limit) and their count. F2 is always traced from the full F1, ranked and counted
    in SQL on PostgreSQL (``second``): only the page's contacts are loaded.

    Evidence (after the engine, one more query: ``unproven_visits``): every contact is weighed
    (``CaseContacts.evidence``), counted before ``evidence`` (every F1 kept by the other
    filters, and the F2 page), and ``evidence`` ("proven": hide the weak ones; "weak": only
    them) applies last. For F2 it applies to the page the SQL ranked: ``f2_count`` counts
    before it."""
    result, buffer = _trace_f1(case, buffer_minutes)
    filters = _filters(min_overlap_minutes, venue_type, kind)
    venues = _venues({v.venue_id for v in result.case_visits} | _exposure_venues(result.contacts))
    f1_kept = list(second.apply_filters(result.contacts, filters, _venue_types(venues)))
    page = second.Page([], 0, 0)
    if degree >= 2:
        page = second.page(
            case_person_id=case.person_id,
            f1={c.person_id: c for c in result.contacts},
            buffer_minutes=buffer,
            filters=filters,
            offset=f2_offset,
            limit=f2_limit,
        )
        venues.update(_venues(_exposure_venues(page.contacts) - set(venues)))
    unproven = unproven_visits(_exposure_visits(f1_kept + page.contacts, result.case_visits))
    weighed, counts = _weigh(f1_kept + page.contacts, unproven, venues)
    f1_kept = _by_evidence(f1_kept, weighed, evidence)
    kept = (f1_kept if f1 else []) + _by_evidence(page.contacts, weighed, evidence)
    f1_count = len(f1_kept)
    people, traces, notified = _details(case, kept, with_people)
    return CaseContacts(
        case,
        result.case_visits,
        kept,
        len(result.contacts) + page.all_count,
        venues,
        people,
        traces,
        notified,
        f1_count=f1_count,
        f2_count=page.count,
        f2_offset=f2_offset,
        f2_limit=f2_limit,
        unproven=unproven,
        evidence=weighed,
        evidence_counts=counts,
    )


@reading_from_replica()
def contact_batches(
    *,
    case: Case,
    degree: int = 1,
    buffer_minutes: int | None = None,
    min_overlap_minutes: int = 0,
    venue_type: str = "",
    kind: str = "",
    size: int = 1000,
    evidence: str = "",
):
    """Every contact kept by the filters, ranked, in views of at most ``size`` contacts with their
    venues, people, follow-ups and notifications (exports, notifications: memory bounded by
    ``size``, not by the number of contacts). F2 is read from one streamed query on PostgreSQL.
    Each batch is weighed (one ``unproven_visits`` query) and ``evidence`` applies to it."""
    result, buffer = _trace_f1(case, buffer_minutes)
    filters = _filters(min_overlap_minutes, venue_type, kind)
    venues = _venues({v.venue_id for v in result.case_visits} | _exposure_venues(result.contacts))
    f1_kept = list(second.apply_filters(result.contacts, filters, _venue_types(venues)))
    contacts = iter(f1_kept)
    if degree >= 2:
        contacts = chain(
            contacts,
            second.stream(
                case_person_id=case.person_id,
                f1={c.person_id: c for c in result.contacts},
                buffer_minutes=buffer,
                filters=filters,
            ),
        )
    while batch := list(islice(contacts, size)):
        batch_venues = {i: venues[i] for i in {v.venue_id for v in result.case_visits} if i in venues}
        needed = _exposure_venues(batch)
        batch_venues.update({i: venues[i] for i in needed if i in venues})
        batch_venues.update(_venues(needed - set(batch_venues)))
        unproven = unproven_visits(_exposure_visits(batch))
        weighed, counts = _weigh(batch, unproven, batch_venues)
        batch = _by_evidence(batch, weighed, evidence)
        if not batch:
            continue
        people, traces, notified = _details(case, batch, True)
        yield CaseContacts(
            case,
            result.case_visits,
            batch,
            0,
            batch_venues,
            people,
            traces,
            notified,
            f1_count=len(f1_kept),
            unproven=unproven,
            evidence=weighed,
            evidence_counts=counts,
        )


def audit_contacts_read(
    *, user, case: Case, view: CaseContacts, purpose: str, request=None, action=Action.READ, detail: dict | None = None
):
    """One audit entry per view of the contact list with full details (who, which case, why),
    under the case's unit; plus, for contacts exposed at venues outside the reader's
    jurisdiction, one entry per such venue unit (its auditors see who read their people).
    ``detail.contacts`` counts the contacts in this answer (every F1, the F2 page)."""
    audit_contacts(
        user=user,
        case=case,
        count=len(view.contacts),
        foreign=foreign_contacts(user=user, view=view),
        purpose=purpose,
        request=request,
        action=action,
        detail=detail,
    )


def audit_contacts(
    *,
    user,
    case: Case,
    count: int,
    foreign: dict[int, list[int]],
    purpose: str,
    request=None,
    action=Action.READ,
    detail: dict | None = None,
):
    """The entries of ``audit_contacts_read`` from a count and ``foreign_contacts``' map (for
    reads made in batches: exports)."""
    audit_record(
        user=user,
        action=action,
        object_type="case_contacts",
        object_id=case.pk,
        case_id=case.pk,
        purpose=purpose,
        unit=case.unit,
        request=request,
        detail={"contacts": count, **(detail or {})},
    )
    if not foreign:
        return
    units = Unit.objects.in_bulk(foreign)
    for unit_id, person_ids in sorted(foreign.items()):
        audit_record(
            user=user,
            action=action,
            object_type="case_contacts",
            object_id=case.pk,
            case_id=case.pk,
            purpose=f"{purpose}, outside jurisdiction",
            unit=units.get(unit_id),
            request=request,
            detail={"contacts": len(person_ids), "person_ids": person_ids, "case_unit": case.unit_id, **(detail or {})},
        )


def foreign_contacts(*, user, view: CaseContacts, into: dict | None = None) -> dict[int, list[int]]:
    """Venue unit id -> ids of the contacts exposed there, for venues outside ``user``'s area
    (added to ``into`` when given: a read in batches)."""
    found: dict[int, list[int]] = defaultdict(list) if into is None else into
    if user is None or user.is_national:
        return dict(found)
    path = user.unit.path
    for c in view.contacts:
        units = {
            view.venues[e.visit.venue_id]["unit_id"]
            for e in c.exposures
            if not (view.venues[e.visit.venue_id]["unit_path"] or "").startswith(path)
        }
        for unit_id in units:
            found.setdefault(unit_id, []).append(c.person_id)
    return dict(found)


def iso(dt) -> str:
    return dt.isoformat() if dt else None


def visit_dict(v, unproven: set | None = None) -> dict:
    """A visit; with ``unproven`` (the unproven claims' ids), also whether it is ``proven``."""
    body = {"id": v.id, "in": iso(v.checked_in_at), "out": iso(v.checked_out_at)}
    if unproven is not None:
        body["proven"] = v.id not in unproven
    return body


def person_dict(person: Person | None, person_id: int) -> dict:
    if person is None:
        return {"id": person_id, "full_name": "", "phone": "", "id_number": ""}
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "phone": person.phone,
        "id_number": person.id_number,
        "birth_year": person.birth_year,
        "sex": person.sex,
        "guardian_id": person.guardian_id,
    }


def contact_dict(view: CaseContacts, c) -> dict:
    trace = view.traces.get(c.person_id)
    return {
        "person": person_dict(view.people.get(c.person_id), c.person_id),
        "degree": c.degree,
        "total_overlap_minutes": c.total_overlap_minutes,
        "first_exposure_at": iso(c.first_exposure_at),
        "via_person_ids": c.via_person_ids if c.degree == 2 else [],
        "evidence": view.evidence[c.person_id].as_dict() if c.person_id in view.evidence else None,
        "follow_up": {
            "reached_at": iso(trace.reached_at) if trace else None,
            "isolated_at": iso(trace.isolated_at) if trace else None,
            "tested_at": iso(trace.tested_at) if trace else None,
            "notified": c.person_id in view.notified,
        },
        "exposures": [
            {
                "venue": view.venues[e.visit.venue_id]["code"],
                "venue_name": view.venues[e.visit.venue_id]["name"],
                "kind": exposure_kind(e.source, view.venues[e.source.venue_id]),
                "trip_id": e.source.trip_id,
                # Every case visit (F2: F1 visit) within reach of this visit; the earliest also
                # as ``case_visit``, as before exposures were one per contact visit.
                "case_visit": {**visit_dict(e.source, view.unproven), "person_id": e.source.person_id},
                "case_visits": [{**visit_dict(v, view.unproven), "person_id": v.person_id} for v in e.sources],
                "visit": visit_dict(e.visit, view.unproven),
                "overlap_minutes": e.overlap_minutes,
                "unproven_claim": exposure_unproven(view.unproven, e),
                "venue_verified": not exposure_unverified(view.venues, e),
            }
            for e in c.exposures
        ],
    }


def venues_to_alert(view: CaseContacts) -> list[dict]:
    """The case's visits grouped by venue: where to warn, and the span to publish."""
    spans: dict[int, dict] = {}
    for v in view.case_visits:
        s = spans.setdefault(
            v.venue_id,
            {
                "venue_id": v.venue_id,
                **view.venues[v.venue_id],
                "visits": 0,
                "from": v.checked_in_at,
                "to": v.checked_out_at,
            },
        )
        s["visits"] += 1
        s["from"], s["to"] = min(s["from"], v.checked_in_at), max(s["to"], v.checked_out_at)
    return sorted(spans.values(), key=lambda s: s["from"])


def windows_current(*, now=None):
    return ExposureWindow.objects.current(now).select_related("venue", "venue__unit").order_by("-starts_at", "-id")


def window_public_dict(w: ExposureWindow) -> dict:
    """What the public feed shows: a place and a span, never who or which case."""
    return {
        "id": w.pk,
        "venue": w.venue.code,
        "venue_name": w.venue.name,
        "unit_code": w.venue.unit.code,
        "unit_name": w.venue.unit.name,
        "from": iso(w.starts_at),
        "to": iso(w.ends_at),
        "message": w.message,
    }
