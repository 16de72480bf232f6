"""Check-in API (docs/api-checkins.md): public self check-in and check-out, gate scans, staff
declarations on a person's behalf, and who is inside a venue. Thin: services do the work and
return results; answers.py makes the JSON (and the status) from them."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from ravao.checkins import answers, enrolment, selectors, services
from ravao.checkins.models import HealthStatus
from ravao.core.errors import ServiceError
from ravao.core.params import Id, Moment
from ravao.people import questionnaires

router = Router(tags=["checkins"])


class AddressIn(Schema):
    unit: str = Field("", max_length=200)
    # The map the unit code is of: the current one (default) or "legacy" (before July 2025).
    generation: str = Field("", max_length=16)
    street: str = ""


class PersonIn(Schema):
    full_name: str
    phone: str = ""
    id_number: str = ""
    birth_year: int | None = None
    sex: Literal["male", "female", ""] = ""
    nationality: str = "VN"
    address: AddressIn | None = None


class CompanionIn(Schema):
    full_name: str
    birth_year: int
    sex: Literal["male", "female", ""] = ""
    declaration: dict[str, Any] | None = None


class CheckinIn(Schema):
    venue_qr: str = ""
    venue: str = ""
    client_id: UUID
    person: PersonIn
    declaration: dict[str, Any] | None = None
    # The declaration form version the answers are for (GET /forms/current); default: current.
    form_version: str = Field("", max_length=40)
    companions: list[CompanionIn] = []
    holder: str = Field("", max_length=200)


class VenueRef(Schema):
    code: str
    name: str


class PersonRef(Schema):
    masked_name: str
    birth_year: int | None = None


class VisitOut(Schema):
    id: int
    status: str
    venue: VenueRef
    entrance: int | None = None
    trip: int | None = None
    channel: str
    checked_in_at: str
    checked_out_at: str
    checkout_method: str


class CompanionOut(VisitOut):
    receipt: str
    repeat: bool
    person: PersonRef


class AdviceOut(Schema):
    """What a red or yellow colour means here (docs/api-checkins.md, "What a colour does")."""

    status: str
    reasons: list[str]
    reason_text: str
    advice: str
    hotline: str
    health_station: str
    action: Literal["admit", "refer", "refuse"]
    instruction: str


class CheckinOut(VisitOut):
    receipt: str
    repeat: bool
    person: PersonRef
    holder: str
    companions: list[CompanionOut]
    advice: AdviceOut | None = None


class CheckoutIn(Schema):
    receipt: str


class CheckoutOut(VisitOut):
    receipt: str


class ScanIn(Schema):
    venue: str
    entrance: Id | None = None
    text: str
    client_id: UUID
    scanned_at: Moment | None = None
    direction: Literal["in", "out"] = "in"
    birth_year: int | None = None
    # From a gate phone's offline queue: the enrolled key (POST /devices) and its signature of
    # the scan, needed when scanned_at is more than a few minutes back (docs/identity.md).
    device: Id | None = None
    signature: str = Field("", max_length=200)


class ScanOut(VisitOut):
    # None when the gate did not let the person in (``outcome`` refused or referred).
    id: int | None = None
    direction: str
    repeat: bool
    already_inside: bool
    person: PersonRef
    outcome: Literal["entered", "refused", "referred"] = "entered"
    advice: AdviceOut | None = None


class EnrolIn(Schema):
    venue: str
    entrance: Id | None = None
    client_id: UUID
    number: str = Field(..., max_length=24)
    full_name: str = Field(..., max_length=120)
    birth_year: int
    sex: Literal["male", "female", ""] = ""
    declaration: dict[str, Any]


class EnrolOut(ScanOut):
    created: bool
    card: str


MAX_BATCH = 100


class ScanBatchIn(Schema):
    scans: list[ScanIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class ScanBatchItem(Schema):
    status: int
    body: dict[str, Any]


class ScanBatchOut(Schema):
    results: list[ScanBatchItem]


class DeclarationIn(Schema):
    venue: str
    visit: int
    declaration: dict[str, Any]
    form_version: str = Field("", max_length=40)


class DeclarationOut(VisitOut):
    person: PersonRef
    valid_until: str


class InsideRow(Schema):
    id: int
    masked_name: str
    birth_year: int | None = None
    status: str
    entrance: str
    checked_in_at: datetime
    checked_out_at: datetime


class InsideOut(Schema):
    venue: VenueRef
    inside: int
    today: int
    people_today: int
    by_status: dict[str, int]
    # Today's red or yellow visitors refused or sent to the screening desk (not visits).
    by_outcome: dict[str, int]
    visits: list[InsideRow]


class ErrorOut(Schema):
    detail: str
    code: str = ""
    # bad_declaration: the message for each field of the form that does not fit.
    fields: dict[str, str] | None = None


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 429: ErrorOut}


@router.post("/checkins", auth=None, response={200: CheckinOut, 201: CheckinOut, **ERRORS})
def checkin_create(request, payload: CheckinIn):
    """Visitor self check-in (public, rate-limited). ``venue_qr`` (the poster's URL or token) or
    ``venue`` (the short code); a person needs a name and a phone or ID number; companions a name
    and a birth year. 201 with the visit; the same ``client_id`` again: 200, same body.
    ``holder`` (answered only for a new person, or when the device sent that person's current
    holder link) opens the person's own QR page."""
    return Status(*checkin_answered(request, payload))


def checkin_answered(request, payload: CheckinIn) -> tuple[int, dict]:
    """(status, body) of a self check-in: the one definition that this view and the ingestion
    front (ravao/ingest) both call. Raises ServiceError (the caller answers it)."""
    services.check_rate(request)
    p = payload.person
    address = p.address or AddressIn()
    result = services.checkin_self(
        client_id=payload.client_id,
        code=payload.venue,
        venue_qr=payload.venue_qr,
        person=services.PersonInput(
            full_name=p.full_name,
            phone=p.phone,
            id_number=p.id_number,
            birth_year=p.birth_year,
            sex=p.sex,
            nationality=p.nationality,
            unit_code=address.unit,
            unit_generation=address.generation,
            street=address.street,
        ),
        declaration=payload.declaration,
        form_version=payload.form_version,
        companions=[
            services.CompanionInput(
                full_name=c.full_name, birth_year=c.birth_year, sex=c.sex, declaration=c.declaration
            )
            for c in payload.companions
        ],
        holder=payload.holder,
    )
    return answers.status_code(result), answers.checkin_answer(result)


class FormOut(Schema):
    version: str
    title: dict[str, str]
    valid_hours: int
    default_status: str
    fields: list[dict[str, Any]]
    rules: list[dict[str, Any]]


@router.get("/forms/current", auth=None, response=FormOut, summary="The current declaration form version (public)")
def form_current(request):
    """The declaration form version that check-ins answer now: its fields (types, required,
    bilingual labels) and colour rules (docs/api-checkins.md). Send its ``version`` as
    ``form_version`` with the answers."""
    return questionnaires.questionnaire().as_form()


@router.post("/checkins/{visit_id}/checkout", auth=None, response={200: CheckoutOut, **ERRORS})
def checkin_checkout(request, visit_id: Id, payload: CheckoutIn):
    """Check out with the receipt given at check-in (companions leave too). Idempotent."""
    return Status(*checkout_answered(visit_id, payload))


def checkout_answered(visit_id: int, payload: CheckoutIn) -> tuple[int, dict]:
    """(status, body) of a check-out: shared with the ingestion front (ravao/ingest)."""
    return 200, answers.checkout_answer(services.checkout_button(visit_id=visit_id, receipt=payload.receipt))


@router.post("/scans", response={200: ScanOut, 201: ScanOut, 401: ErrorOut, 422: ErrorOut, **ERRORS})
def scan_create(request, payload: ScanIn):
    """A gate scan by staff of the venue: a personal QR, a chip ID card QR or a typed phone/ID
    number (with ``birth_year``, the year the person gives at the gate). 201 new visit; 200 for a
    repeat ("already inside"), an exit, or a replayed client_id; 429 beyond the per-account limit."""
    return Status(*scan_answered(request.auth, payload))


def scan_answered(user, payload: ScanIn) -> tuple[int, dict]:
    """(status, body) of a gate scan by ``user``: shared with the ingestion front (ravao/ingest)."""
    result = services.checkin_scan(
        user=user,
        client_id=payload.client_id,
        venue_code=payload.venue,
        text=payload.text,
        entrance_id=payload.entrance,
        scanned_at=payload.scanned_at,
        direction=payload.direction,
        birth_year=payload.birth_year,
        device=payload.device,
        signature=payload.signature,
    )
    return answers.status_code(result), answers.scan_answer(result)


@router.post("/scans/batch", response={200: ScanBatchOut, 401: ErrorOut, 422: ErrorOut, **ERRORS})
def scan_batch(request, payload: ScanBatchIn):
    """A gate's offline queue sent at once (at most 100 scans, in the order they were made): each
    scan is recorded as by POST /scans, with its own client_id (a retried batch answers each scan
    once), and answered in ``results`` with the status and body POST /scans would give it."""
    return Status(*scan_batch_answered(request.auth, payload))


def scan_batch_answered(user, payload: ScanBatchIn) -> tuple[int, dict]:
    """(status, body) of a batch of scans: shared with the ingestion front (ravao/ingest)."""
    results = []
    for scan in payload.scans:
        try:
            status, body = scan_answered(user, scan)
        except ServiceError as error:
            status, body = error.status, error.body()
        results.append({"status": status, "body": body})
    return 200, {"results": results}


@router.post("/scans/enrol", response={200: EnrolOut, 201: EnrolOut, 401: ErrorOut, **ERRORS})
def scan_enrol(request, payload: EnrolIn):
    """Gate staff enrol and check in a person without a smartphone from a typed phone, CMND,
    CCCD, passport or BHYT number, their name and birth year, and the declaration taken on their
    behalf (a claim until they show their ID card or personal QR). ``card``: for a new person, a
    link (for this account, one hour) to print their wallet card."""
    done = enrolment.enrol_at_gate(
        user=request.auth,
        client_id=payload.client_id,
        venue_code=payload.venue,
        entrance_id=payload.entrance,
        number=payload.number,
        full_name=payload.full_name,
        birth_year=payload.birth_year,
        sex=payload.sex,
        declaration=payload.declaration,
    )
    return Status(answers.status_code(done.result), answers.enrol_answer(done))


@router.post("/scans/declaration", response={201: DeclarationOut, 401: ErrorOut, **ERRORS})
def scan_declaration(request, payload: DeclarationIn):
    """Staff record a health declaration on behalf of the person of a visit at their venue
    (answers as in the current questionnaire); the visit takes the new colour."""
    return Status(
        201,
        answers.declaration_answer(
            services.declaration_on_behalf(
                user=request.auth,
                venue_code=payload.venue,
                visit_id=payload.visit,
                answers=payload.declaration,
                form_version=payload.form_version,
            )
        ),
    )


@router.get("/venues/{code}/inside", response={200: InsideOut, 401: ErrorOut, 404: ErrorOut})
def venue_inside(request, code: str):
    """Who is inside a venue now (masked), with today's counts. Staff, managers and officials
    of the venue's area."""
    venue = selectors.venue_for_viewer(user=request.auth, code=code)
    now = timezone.now()
    counts = selectors.venue_counts(venue=venue, now=now)
    rows = selectors.masked_rows(selectors.visits_inside(venue=venue, now=now), limit=500)
    return {
        "venue": {"code": venue.code, "name": venue.name},
        "inside": counts["inside"],
        "today": counts["visits"],
        "people_today": counts["people"],
        "by_status": {k: counts[k] for k in HealthStatus.values},
        "by_outcome": counts["by_outcome"],
        "visits": rows,
    }
