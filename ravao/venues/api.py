"""The venue API (/api/v1/venues...): list, detail, create, update, status, posters, entrances,
trips, staff and invitations, and bulk import. Thin: every call goes to selectors/services (docs/api-venues.md)."""

from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from ravao.accounts import policy
from ravao.catalog.models import VenueType
from ravao.codes.signing import venue_qr_url
from ravao.core.errors import NotFound, ServiceError
from ravao.core.params import Id, Moment, Offset, PatchSchema, SmallInt
from ravao.units.selectors import unit_by_code
from ravao.venues import posters, services, staff
from ravao.venues.importer import venue_import
from ravao.venues.selectors import venue_contact, venue_for_manage, venue_for_official, venue_get, venue_list

router = Router(tags=["venues"])

MAX_LIMIT = 500


class UnitRef(Schema):
    code: str
    name: str


class VenueItem(Schema):
    code: str
    name: str
    type: str
    kind: str
    sector: str
    unit: UnitRef
    status: str
    verified: bool
    street: str
    latitude: float | None
    longitude: float | None
    capacity: int | None
    default_stay_minutes: int

    @staticmethod
    def resolve_type(obj):
        return obj.venue_type.code

    @staticmethod
    def resolve_kind(obj):
        return obj.venue_type.kind

    @staticmethod
    def resolve_sector(obj):
        return obj.sector.code


class VenuePage(Schema):
    count: int
    items: list[VenueItem]


class EntranceOut(Schema):
    id: int
    name: str
    code_version: int
    qr_url: str


class TripOut(Schema):
    id: int
    departs_at: Moment
    arrives_at: Moment
    label: str


class VenueDetail(VenueItem):
    type_name: str
    unit_path: list[UnitRef]
    contact_name: str  # in full for the venue's managers and officials of its area (audited), else masked
    contact_phone: str
    contact_masked: bool
    starts_at: datetime | None
    ends_at: datetime | None
    plate: str
    operator: str
    route: str
    code_version: int
    qr_url: str
    entrances: list[EntranceOut]
    created_at: datetime

    @staticmethod
    def resolve_type_name(obj):
        return obj.venue_type.name

    @staticmethod
    def resolve_entrances(obj):
        return obj.entrance_list

    @staticmethod
    def resolve_contact_name(obj):
        return obj.contact_view["name"]

    @staticmethod
    def resolve_contact_phone(obj):
        return obj.contact_view["phone"]

    @staticmethod
    def resolve_contact_masked(obj):
        return obj.contact_view["masked"]


class VenueIn(Schema):
    name: str
    type: str
    unit: str
    street: str = ""
    latitude: float | None = None
    longitude: float | None = None
    capacity: SmallInt | None = None
    default_stay_minutes: SmallInt | None = None
    contact_name: str = ""
    contact_phone: str = ""
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    plate: str = ""
    operator: str = ""
    route: str = ""
    entrances: list[str] = []


class VenuePatch(PatchSchema):
    nullable = frozenset({"latitude", "longitude", "capacity", "starts_at", "ends_at"})
    name: str | None = None
    type: str | None = None
    unit: str | None = None
    street: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    capacity: SmallInt | None = None
    default_stay_minutes: SmallInt | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    plate: str | None = None
    operator: str | None = None
    route: str | None = None


class NameIn(Schema):
    name: str


class TripIn(Schema):
    departs_at: Moment
    arrives_at: Moment
    label: str = ""


class StaffIn(Schema):
    username: str
    role: str = "staff"
    full_name: str = ""
    phone: str = ""
    password: str | None = None


class StaffOut(Schema):
    id: int
    username: str
    role: str
    active: bool
    invited_role: str | None = None  # an invitation waiting for the account holder's answer
    generated_password: str | None = None


class InviteIn(Schema):
    username: str
    role: str = "staff"


class Message(Schema):
    detail: str


class InvitationOut(Schema):
    id: int
    venue: str
    venue_name: str
    role: str
    pending: bool
    active: bool
    invited_by: str | None = None


def detail(venue, request):
    """The venue with what the detail schema needs (its area's path, signed QR URLs, its contact
    as the caller may see it: ``selectors.venue_contact``)."""
    venue.contact_view = venue_contact(user=request.auth, venue=venue, request=request)
    venue.unit_path = [*venue.unit.ancestors(), venue.unit]
    venue.qr_url = venue_qr_url(venue=venue)
    venue.entrance_list = [
        {"id": e.pk, "name": e.name, "code_version": e.code_version, "qr_url": venue_qr_url(venue=venue, entrance=e)}
        for e in venue.entrances.all()
    ]
    return venue


def _type(code: str) -> VenueType:
    vt = VenueType.objects.select_related("sector").filter(code=code).first()
    if vt is None:
        raise ServiceError(_("No venue type with code %(code)s.") % {"code": code}, status=422)
    return vt


def _unit(code: str):
    unit = unit_by_code(code)
    if unit is None:
        raise ServiceError(_("No unit with code %(code)s.") % {"code": code}, status=422)
    return unit


@router.get("/venues", response=VenuePage, summary="Venues in the caller's area, filtered")
def list_venues(
    request,
    unit: str = "",
    sector: str = "",
    type: str = "",
    status: str = "",
    verified: str = "",
    q: str = "",
    limit: int = 50,
    offset: Offset = 0,
):
    qs = venue_list(user=request.auth, unit=unit, sector=sector, type=type, status=status, verified=verified, q=q)
    limit, offset = min(max(limit, 1), MAX_LIMIT), max(offset, 0)
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


@router.get("/venues/bulk-posters", summary="One PDF page per venue matching the filters (officials)")
def bulk_posters(
    request,
    unit: str = "",
    sector: str = "",
    type: str = "",
    status: str = "",
    verified: str = "",
    q: str = "",
    size: str = "A4",
):
    pdf, _count = services.posters_bulk(
        by=request.auth, size=size, unit=unit, sector=sector, type=type, status=status, verified=verified, q=q
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ravao-posters-{unit or "all"}.pdf"'
    return response


@router.post(
    "/venues/import",
    summary="Bulk import from XLSX or CSV (all-or-nothing unless keep_good; 422 with the report)",
)
def import_venues(request, file: File[UploadedFile], dry_run: bool = False, keep_good: bool = False):
    policy.require(request.auth, "venue.import")
    report = venue_import(
        user=request.auth, data=file.read(), filename=file.name or "", dry_run=dry_run, keep_good=keep_good
    )
    if report.errors and not (keep_good and not dry_run):
        raise ServiceError(
            _("%(n)s rows have errors; nothing was imported.") % {"n": len(report.errors)},
            status=422,
            code="import_errors",
            report=report.as_dict(),
        )
    return report.as_dict()


@router.post("/venues", response={201: VenueDetail}, summary="Register a venue, event or vehicle")
def create_venue(request, payload: VenueIn):
    user = policy.require(request.auth, "venue.register")
    data = payload.dict()
    fields = {k: data[k] for k in services.EDITABLE if k in data}
    venue = services.venue_register(
        name=payload.name,
        venue_type=_type(payload.type),
        unit=_unit(payload.unit),
        by=user,
        manager=user if policy.can(user, "venue.register_own") else None,
        entrances=payload.entrances,
        **{k: v for k, v in fields.items() if k not in ("name", "street")},
        street=payload.street,
    )
    return Status(201, detail(venue_get(user=user, code=venue.code), request))


@router.get("/venues/{code}", response=VenueDetail, summary="One venue (404 outside the caller's area)")
def get_venue(request, code: str):
    return detail(venue_get(user=request.auth, code=code), request)


@router.patch("/venues/{code}", response=VenueDetail, summary="Change a venue (its managers, officials of its area)")
def update_venue(request, code: str, payload: VenuePatch):
    venue = venue_for_manage(user=request.auth, code=code)
    data = payload.dict(exclude_unset=True)
    vt = _type(data.pop("type")) if data.get("type") else None
    unit = _unit(data.pop("unit")) if data.get("unit") else None
    data.pop("type", None), data.pop("unit", None)
    services.venue_update(venue=venue, by=request.auth, venue_type=vt, unit=unit, **data)
    return detail(venue_get(user=request.auth, code=code), request)


@router.post("/venues/{code}/verify", response=VenueDetail, summary="Mark verified (officials)")
def verify_venue(request, code: str, verified: bool = True):
    venue = venue_for_official(user=request.auth, code=code)
    services.venue_verify(venue=venue, by=request.auth, verified=verified)
    return detail(venue, request)


@router.post("/venues/{code}/status", response=VenueDetail, summary="Suspend, close or reactivate")
def set_status(request, code: str, status: str):
    venue = venue_get(user=request.auth, code=code)  # who may set which status: the service says
    services.venue_set_status(venue=venue, status=status, by=request.auth)
    return detail(venue, request)


@router.get("/venues/{code}/poster", summary="The poster: format=pdf|png|svg, size=A4|A5, entrance=id")
def poster(request, code: str, format: str = "pdf", size: str = "A4", entrance: Id | None = None):
    venue = venue_get(user=request.auth, code=code)
    door = None
    if entrance is not None:
        door = venue.entrances.filter(pk=entrance).first()
        if door is None:
            raise NotFound(_("This venue has no such entrance."))
    content, content_type, filename = posters.render(venue, door, fmt=format, size=size)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/venues/{code}/poster/revoke", response=VenueDetail, summary="Replace the poster (old one refused)")
def revoke_poster(request, code: str, entrance: Id | None = None):
    venue = venue_for_manage(user=request.auth, code=code)
    door = venue.entrances.filter(pk=entrance).first() if entrance is not None else None
    if entrance is not None and door is None:
        raise NotFound(_("This venue has no such entrance."))
    services.poster_revoke(venue=venue, entrance=door)
    return detail(venue, request)


@router.post("/venues/{code}/entrances", response={201: EntranceOut}, summary="Add an entrance")
def add_entrance(request, code: str, payload: NameIn):
    venue = venue_for_manage(user=request.auth, code=code)
    e = services.entrance_add(venue=venue, name=payload.name)
    return Status(
        201,
        {"id": e.pk, "name": e.name, "code_version": e.code_version, "qr_url": venue_qr_url(venue=venue, entrance=e)},
    )


@router.delete("/venues/{code}/entrances/{entrance_id}", response={204: None}, summary="Remove an entrance")
def remove_entrance(request, code: str, entrance_id: Id):
    venue = venue_for_manage(user=request.auth, code=code)
    door = venue.entrances.filter(pk=entrance_id).first()
    if door is None:
        raise NotFound(_("This venue has no such entrance."))
    services.entrance_remove(entrance=door)
    return Status(204, None)


@router.get("/venues/{code}/trips", response=list[TripOut], summary="A vehicle's trips")
def list_trips(request, code: str):
    return list(venue_get(user=request.auth, code=code).trips.all()[:500])


@router.post("/venues/{code}/trips", response={201: TripOut}, summary="Add a trip to a vehicle")
def add_trip(request, code: str, payload: TripIn):
    venue = venue_for_manage(user=request.auth, code=code)
    return Status(
        201,
        services.trip_add(
            venue=venue, departs_at=payload.departs_at, arrives_at=payload.arrives_at, label=payload.label
        ),
    )


def _member(m) -> dict:
    return {
        "id": m.pk,
        "username": m.user.username,
        "role": m.role,
        "active": m.active,
        "invited_role": m.invited_role or None,
    }


@router.get("/venues/{code}/staff", response=list[StaffOut], summary="The venue's managers, gate staff and invitations")
def list_staff(request, code: str):
    venue = venue_for_manage(user=request.auth, code=code, capability="venue.staff")
    return [_member(m) for m in venue.memberships.select_related("user").order_by("-active", "role", "user__username")]


@router.post("/venues/{code}/staff", response={201: StaffOut}, summary="Make a new manager or gate staff account")
def add_staff(request, code: str, payload: StaffIn):
    venue = venue_for_manage(user=request.auth, code=code, capability="venue.staff")
    m, generated = staff.staff_create(venue=venue, by=request.auth, **payload.dict())
    return Status(201, {**_member(m), "generated_password": generated})


@router.post(
    "/venues/{code}/staff/invitations",
    response={202: Message},
    summary="Invite an existing venue account (the same answer whoever the name belongs to)",
)
def invite_staff(request, code: str, payload: InviteIn):
    venue = venue_for_manage(user=request.auth, code=code, capability="venue.staff")
    staff.staff_invite(venue=venue, by=request.auth, username=payload.username, role=payload.role)
    return Status(202, {"detail": staff.invited_message(payload.username.strip())})


@router.delete(
    "/venues/{code}/staff/{membership_id}", response={204: None}, summary="End a membership or withdraw an invitation"
)
def remove_staff(request, code: str, membership_id: Id):
    venue = venue_for_manage(user=request.auth, code=code, capability="venue.staff")
    m = venue.memberships.filter(pk=membership_id).first()
    if m is None:
        raise NotFound(_("No such member of this venue."))
    staff.staff_remove(membership=m, by=request.auth)
    return Status(204, None)


@router.get("/invitations", response=list[InvitationOut], summary="Invitations to work at a venue, waiting for you")
def my_invitations(request):
    policy.require(request.auth, "venue.work")
    return [_invitation(m) for m in staff.invitations_for(request.auth)]


@router.post("/invitations/{membership_id}/accept", response=InvitationOut, summary="Accept an invitation")
def accept_invitation(request, membership_id: Id):
    return _invitation(staff.invitation_answer(user=request.auth, membership_id=membership_id, accept=True))


@router.post("/invitations/{membership_id}/decline", response=InvitationOut, summary="Decline an invitation")
def decline_invitation(request, membership_id: Id):
    return _invitation(staff.invitation_answer(user=request.auth, membership_id=membership_id, accept=False))


def _invitation(m) -> dict:
    return {
        "id": m.pk,
        "venue": m.venue.code,
        "venue_name": m.venue.name,
        "role": m.invited_role or m.role,
        "pending": bool(m.invited_role),
        "active": m.active,
        "invited_by": m.invited_by.username if m.invited_by_id else None,
    }
