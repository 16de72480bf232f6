"""Tracing reads: cases in the user's area, a case's contacts with their details, windows."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ravao.api.errors import NotFound
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.catalog.models import VenueKind
from ravao.people.models import Person
from ravao.tracing import contacts as engine
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
    contacts: list  # engine.Contact, filtered and ranked
    all_count: int
    venues: dict  # venue id -> {"code", "name", "kind", "type", "type_name", "unit_code", "unit_name"}
    people: dict  # person id -> Person (decrypted on access)
    traces: dict  # person id -> ContactTrace
    notified: set


PERSON_FIELDS = ("id", "full_name", "phone", "id_number", "birth_year", "sex", "guardian_id")


def _venues(ids) -> dict:
    rows = Venue.objects.filter(id__in=ids).values_list(
        "id", "code", "name", "venue_type__kind", "venue_type__code", "venue_type__name_vi",
        "venue_type__name_en", "unit__code", "unit__name", "latitude", "longitude", "street",
        "contact_name", "contact_phone", "unit_id", "unit__path",
    )
    return {
        r[0]: {"code": r[1], "name": r[2], "venue_kind": r[3], "type": r[4], "type_name_vi": r[5],
               "type_name_en": r[6], "unit_code": r[7], "unit_name": r[8], "latitude": r[9],
               "longitude": r[10], "street": r[11], "contact_name": r[12], "contact_phone": r[13],
               "unit_id": r[14], "unit_path": r[15]}
        for r in rows
    }


def exposure_kind(source, venue: dict) -> str:
    if source.trip_id is not None:
        return "trip"
    return "event" if venue.get("venue_kind") == VenueKind.EVENT else "venue"


def case_contacts(*, case: Case, degree: int = 1, buffer_minutes: int | None = None, min_overlap_minutes: int = 0,
                  venue_type: str = "", kind: str = "", with_people: bool = True) -> CaseContacts:
    """Trace the case and apply the display filters (F2 is always traced from the full F1)."""
    result = engine.trace(
        person_id=case.person_id, window_from=case.infectious_from, window_to=case.infectious_to,
        buffer_minutes=default_buffer() if buffer_minutes is None else buffer_minutes, degree=degree,
    )
    venue_ids = {v.venue_id for v in result.case_visits}
    for c in result.contacts:
        venue_ids.update(e.visit.venue_id for e in c.exposures)
    venues = _venues(venue_ids)
    kept = []
    for c in result.contacts:
        if venue_type or kind:
            exposures = [
                e for e in c.exposures
                if (not venue_type or venues[e.visit.venue_id]["type"] == venue_type)
                and (not kind or exposure_kind(e.source, venues[e.source.venue_id]) == kind)
            ]
            if not exposures:
                continue
            c = engine.Contact(person_id=c.person_id, degree=c.degree, exposures=exposures)
        if c.total_overlap_minutes >= min_overlap_minutes:
            kept.append(c)
    ids = [c.person_id for c in kept]
    people = {}
    if with_people:
        for start in range(0, len(ids), 1000):
            # Only the fields shown: every encrypted field loaded is a decryption.
            people.update(Person.objects.only(*PERSON_FIELDS).in_bulk(ids[start : start + 1000]))
    traces = {t.person_id: t for t in ContactTrace.objects.filter(case=case, person_id__in=ids)}
    notified = set(Notification.objects.filter(case=case, person_id__in=ids).values_list("person_id", flat=True))
    return CaseContacts(case, result.case_visits, kept, len(result.contacts), venues, people, traces, notified)


def audit_contacts_read(*, user, case: Case, view: CaseContacts, purpose: str, request=None, action=Action.READ,
                        detail: dict | None = None):
    """One audit entry per view of the contact list with full details (who, which case, why),
    under the case's unit; plus, for contacts exposed at venues outside the reader's
    jurisdiction, one entry per such venue unit (its auditors see who read their people)."""
    audit_record(
        user=user, action=action, object_type="case_contacts", object_id=case.pk, case_id=case.pk,
        purpose=purpose, unit=case.unit, request=request,
        detail={"contacts": len(view.contacts), **(detail or {})},
    )
    foreign = foreign_contacts(user=user, view=view)
    if not foreign:
        return
    units = Unit.objects.in_bulk(foreign)
    for unit_id, person_ids in sorted(foreign.items()):
        audit_record(
            user=user, action=action, object_type="case_contacts", object_id=case.pk, case_id=case.pk,
            purpose=f"{purpose}, outside jurisdiction", unit=units.get(unit_id), request=request,
            detail={"contacts": len(person_ids), "person_ids": person_ids, "case_unit": case.unit_id,
                    **(detail or {})},
        )


def foreign_contacts(*, user, view: CaseContacts) -> dict[int, list[int]]:
    """Venue unit id -> ids of the contacts exposed there, for venues outside ``user``'s area."""
    if user is None or user.is_national:
        return {}
    path = user.unit.path
    found: dict[int, list[int]] = defaultdict(list)
    for c in view.contacts:
        units = {view.venues[e.visit.venue_id]["unit_id"] for e in c.exposures
                 if not (view.venues[e.visit.venue_id]["unit_path"] or "").startswith(path)}
        for unit_id in units:
            found[unit_id].append(c.person_id)
    return dict(found)


def iso(dt) -> str:
    return dt.isoformat() if dt else None


def visit_dict(v) -> dict:
    return {"id": v.id, "in": iso(v.checked_in_at), "out": iso(v.checked_out_at)}


def person_dict(person: Person | None, person_id: int) -> dict:
    if person is None:
        return {"id": person_id, "full_name": "", "phone": "", "id_number": ""}
    return {
        "id": person.pk, "full_name": person.full_name, "phone": person.phone, "id_number": person.id_number,
        "birth_year": person.birth_year, "sex": person.sex, "guardian_id": person.guardian_id,
    }


def contact_dict(view: CaseContacts, c) -> dict:
    trace = view.traces.get(c.person_id)
    return {
        "person": person_dict(view.people.get(c.person_id), c.person_id),
        "degree": c.degree,
        "total_overlap_minutes": c.total_overlap_minutes,
        "first_exposure_at": iso(c.first_exposure_at),
        "via_person_ids": c.via_person_ids if c.degree == 2 else [],
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
                "case_visit": {**visit_dict(e.source), "person_id": e.source.person_id},
                "visit": visit_dict(e.visit),
                "overlap_minutes": e.overlap_minutes,
            }
            for e in c.exposures
        ],
    }


def venues_to_alert(view: CaseContacts) -> list[dict]:
    """The case's visits grouped by venue: where to warn, and the span to publish."""
    spans: dict[int, dict] = {}
    for v in view.case_visits:
        s = spans.setdefault(v.venue_id, {"venue_id": v.venue_id, **view.venues[v.venue_id], "visits": 0,
                                          "from": v.checked_in_at, "to": v.checked_out_at})
        s["visits"] += 1
        s["from"], s["to"] = min(s["from"], v.checked_in_at), max(s["to"], v.checked_out_at)
    return sorted(spans.values(), key=lambda s: s["from"])


def windows_current(*, now=None):
    return ExposureWindow.objects.current(now).select_related("venue", "venue__unit").order_by("-starts_at", "-id")


def window_public_dict(w: ExposureWindow) -> dict:
    """What the public feed shows: a place and a span, never who or which case."""
    return {
        "id": w.pk, "venue": w.venue.code, "venue_name": w.venue.name,
        "unit_code": w.venue.unit.code, "unit_name": w.venue.unit.name,
        "from": iso(w.starts_at), "to": iso(w.ends_at), "message": w.message,
    }
