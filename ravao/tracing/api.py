"""Tracing API: cases, their contacts, follow-up, notifications, exposure windows (docs/api-tracing.md)."""

from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.core.params import MAX_OFFSET, Day, Id, Moment, PatchSchema
from ravao.tracing import selectors, services
from ravao.tracing.models import Case

router = Router(tags=["tracing"])


class PersonRef(Schema):
    phone: str = ""
    id_number: str = ""


class CaseIn(Schema):
    person: PersonRef
    infectious_from: Moment | None = None
    infectious_to: Moment | None = None
    symptom_onset: Day | None = None
    test_date: Day | None = None
    isolated_at: Moment | None = None
    notes: str = ""
    client_id: UUID | None = None


class CasePatch(PatchSchema):
    nullable = frozenset({"symptom_onset", "test_date", "isolated_at"})
    infectious_from: Moment | None = None
    infectious_to: Moment | None = None
    symptom_onset: Day | None = None
    test_date: Day | None = None
    isolated_at: Moment | None = None
    status: str | None = None
    notes: str | None = None


class ContactsQuery(Schema):
    degree: int = Field(1, ge=1, le=2)
    # F2 comes by pages (every F1 contact always comes: unless f1=false, for the next F2 pages).
    f2_offset: int = Field(0, ge=0, le=MAX_OFFSET)
    f2_limit: int = Field(100, ge=1, le=1000)
    f1: bool = True
    buffer_minutes: int = Field(60, ge=0, le=24 * 60)
    min_overlap_minutes: int = Field(0, ge=0, le=24 * 60)
    venue_type: str = ""
    kind: str = Field("", pattern="^(|venue|trip|event)$")
    # "proven": hide contacts whose every exposure rests on an unproven claim or an unverified
    # venue; "weak": only those (docs/tracing.md, "Evidence").
    evidence: str = Field("", pattern="^(|proven|weak)$")


class FollowUpIn(Schema):
    reached: bool | None = None
    isolated: bool | None = None
    tested: bool | None = None
    email: str | None = None
    note: str | None = None
    # The contact list's parameters: the person must be a contact of the case with them.
    degree: int = Field(2, ge=1, le=2)
    buffer_minutes: int | None = Field(None, ge=0, le=24 * 60)


class NotifyIn(Schema):
    degree: int = Field(1, ge=1, le=2)
    buffer_minutes: int = Field(60, ge=0, le=24 * 60)
    min_overlap_minutes: int = Field(0, ge=0, le=24 * 60)
    preview: bool = False


class WindowIn(Schema):
    venue: str
    starts_at: Moment = Field(alias="from")
    ends_at: Moment = Field(alias="to")
    message: str = ""
    case_id: Id | None = None
    client_id: UUID | None = None


def case_dict(case: Case, *, notes: bool = True) -> dict:
    """A case; ``notes`` (clinical free text) only in the audited detail, never in the list."""
    iso = selectors.iso
    body = {
        "id": case.pk,
        "person_id": case.person_id,
        "unit": case.unit.code if case.unit_id else None,
        "status": case.status,
        "symptom_onset": iso(case.symptom_onset),
        "test_date": iso(case.test_date),
        "isolated_at": iso(case.isolated_at),
        "infectious_from": iso(case.infectious_from),
        "infectious_to": iso(case.infectious_to),
        "notes": case.notes,
        "created_at": iso(case.created_at),
    }
    if not notes:
        del body["notes"]
    return body


@router.post("/cases", response={200: dict, 201: dict})
def case_create(request, payload: CaseIn):
    """Open a case for the person with this phone or ID number (404 if nobody in the caller's
    jurisdiction has it; 409 if shared or if the person has an overlapping open case). The same
    ``client_id`` again: 200 with that case, nothing new."""
    case = services.case_open(
        user=request.auth,
        phone=payload.person.phone,
        id_number=payload.person.id_number,
        symptom_onset=payload.symptom_onset,
        test_date=payload.test_date,
        isolated_at=payload.isolated_at,
        infectious_from=payload.infectious_from,
        infectious_to=payload.infectious_to,
        notes=payload.notes,
        client_id=payload.client_id,
        request=request,
    )
    return Status(200 if case.replayed else 201, case_dict(case))


@router.get("/cases", response=dict)
def cases_list(
    request, status: str = "", limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET)
):
    services.require_tracer(request.auth)
    qs = selectors.case_list(user=request.auth, status=status)
    return {"count": qs.count(), "results": [case_dict(c, notes=False) for c in qs[offset : offset + limit]]}


@router.get("/cases/{case_id}", response=dict)
def case_detail(request, case_id: Id):
    """The case with its notes (audited: one entry per call)."""
    case = selectors.case_get(user=request.auth, case_id=case_id)
    audit_record(
        user=request.auth,
        action=Action.READ,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        purpose="case detail (API)",
        unit=case.unit,
        request=request,
    )
    return case_dict(case)


@router.patch("/cases/{case_id}", response=dict)
def case_patch(request, case_id: Id, payload: CasePatch):
    case = selectors.case_get(user=request.auth, case_id=case_id)
    changes = payload.dict(exclude_unset=True)
    case = services.case_update(user=request.auth, case=case, request=request, **changes)
    return case_dict(case)


@router.get("/cases/{case_id}/contacts", response=dict)
def case_contacts(request, case_id: Id, q: Query[ContactsQuery]):
    """The ranked contacts with full details: every F1, and one page of F2 with their count
    (audited: one entry per call, with the case)."""
    case = selectors.case_get(user=request.auth, case_id=case_id)
    view = selectors.case_contacts(
        case=case,
        degree=q.degree,
        buffer_minutes=q.buffer_minutes,
        min_overlap_minutes=q.min_overlap_minutes,
        venue_type=q.venue_type,
        kind=q.kind,
        f2_offset=q.f2_offset,
        f2_limit=q.f2_limit,
        f1=q.f1,
        evidence=q.evidence,
    )
    detail = {"degree": q.degree}
    if q.degree == 2:
        detail["f2_offset"] = q.f2_offset
    selectors.audit_contacts_read(
        user=request.auth, case=case, view=view, purpose="contact list (API)", request=request, detail=detail
    )
    body = {
        "case": case_dict(case),
        "case_visits": [
            {
                **selectors.visit_dict(v, view.unproven),
                "venue": view.venues[v.venue_id]["code"],
                "trip_id": v.trip_id,
                "venue_verified": view.venues[v.venue_id]["verified"],
            }
            for v in view.case_visits
        ],
        "counts": {
            "f1": view.f1_count,
            "f2": view.f2_count if q.degree == 2 else None,
            "before_filters": view.all_count,
            # Before the ``evidence`` filter: every F1 kept by the other filters, and this F2 page.
            "evidence": view.evidence_counts,
        },
        "contacts": [selectors.contact_dict(view, c) for c in view.contacts],
    }
    if q.degree == 2:
        end = q.f2_offset + q.f2_limit
        body["f2_page"] = {
            "offset": q.f2_offset,
            "limit": q.f2_limit,
            "count": view.f2_count,
            "next_offset": end if end < view.f2_count else None,
        }
    return body


@router.post("/cases/{case_id}/contacts/{person_id}/follow-up", response=dict)
def contact_follow_up(request, case_id: Id, person_id: Id, payload: FollowUpIn):
    case = selectors.case_get(user=request.auth, case_id=case_id)
    data = payload.dict(exclude_unset=True)
    marks = {k: v for k, v in data.items() if k in services.MARKS and v is not None}
    trace = services.contact_mark(
        user=request.auth,
        case=case,
        person_id=person_id,
        request=request,
        degree=payload.degree,
        buffer_minutes=payload.buffer_minutes,
        email=data.get("email"),
        note=data.get("note"),
        **marks,
    )
    iso = selectors.iso
    return {
        "person_id": person_id,
        "reached_at": iso(trace.reached_at),
        "isolated_at": iso(trace.isolated_at),
        "tested_at": iso(trace.tested_at),
    }


@router.post("/cases/{case_id}/notify", response=dict)
def case_notify(request, case_id: Id, payload: NotifyIn):
    """Message every contact not yet notified for this case (SMS, else e-mail); with
    ``preview``, only say what would be sent (counts and the text), sending nothing."""
    case = selectors.case_get(user=request.auth, case_id=case_id)
    views = selectors.contact_batches(
        case=case,
        degree=payload.degree,
        buffer_minutes=payload.buffer_minutes,
        min_overlap_minutes=payload.min_overlap_minutes,
    )
    if payload.preview:
        return services.notify_preview(user=request.auth, case=case, views=views)
    return services.notify_contacts(user=request.auth, case=case, views=views, request=request)


@router.get("/exposure-windows", response=dict, auth=None)
def exposure_windows(request):
    """Current exposure windows (public, anonymous: a venue and a span, no personal data)."""
    return {"windows": [selectors.window_public_dict(w) for w in selectors.windows_current()]}


@router.post("/exposure-windows", response={200: dict, 201: dict})
def exposure_window_publish(request, payload: WindowIn):
    case = None
    if payload.case_id is not None:
        case = selectors.case_get(user=request.auth, case_id=payload.case_id)
    window = services.window_publish(
        user=request.auth,
        venue_code=payload.venue,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        message=payload.message,
        case=case,
        client_id=payload.client_id,
    )
    return Status(200 if window.replayed else 201, selectors.window_public_dict(window))


@router.delete("/exposure-windows/{window_id}", response=dict)
def exposure_window_withdraw(request, window_id: Id):
    window = services.window_withdraw(user=request.auth, window_id=window_id)
    return {"id": window.pk, "withdrawn_at": selectors.iso(window.withdrawn_at)}
