"""Writes to the venue registry, shared by pages, the API and commands.

Who may act is decided in ravao/accounts/policy.py. Pages and the API look a venue up with
``selectors.venue_for_manage`` (404 outside the caller's sight); the rules that pages, the API and
commands must share — suspension, bulk posters, staff — are also required here, from ``by``
(``by=None``: the operator's command line or a system job, which may do anything).
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.catalog.models import VenueKind, VenueType
from ravao.core.errors import Conflict, Forbidden, NotFound, ServiceError
from ravao.units.models import Unit
from ravao.venues.models import (
    Entrance,
    MembershipRole,
    Trip,
    Venue,
    VenueMembership,
    VenueStatus,
    natural_key_of,
    new_public_code,
)

EDITABLE = (
    "name", "street", "latitude", "longitude", "capacity", "default_stay_minutes", "contact_name",
    "contact_phone", "starts_at", "ends_at", "plate", "operator", "route",
)  # fmt: skip


def check_unit(unit: Unit, *, by=None) -> None:
    """A venue belongs to a unit of the lowest level, inside the actor's jurisdiction."""
    if unit is None:
        raise ServiceError(_("Choose the commune or ward of the venue."))
    if unit.children.exists():
        raise ServiceError(
            _("%(unit)s is not a commune or ward: choose the commune or ward of the venue.") % {"unit": unit.name}
        )
    if policy.scope_kind(by) == "area" and not Unit.objects.restrict(by).filter(pk=unit.pk).exists():
        raise Forbidden(_("%(unit)s is outside your jurisdiction.") % {"unit": unit.name})


# The fields that belong to one kind of venue only: an event's window, a vehicle's plate.
KIND_FIELDS = {VenueKind.EVENT: ("starts_at", "ends_at"), VenueKind.VEHICLE: ("plate", "operator", "route")}


def _drop_other_kinds(venue: Venue) -> None:
    """A venue keeps only the fields of its own kind: a shop sent with an event window (a form
    filled before the type was changed, an API call) is saved without it."""
    for kind, names in KIND_FIELDS.items():
        if venue.venue_type.kind != kind:
            for name in names:
                setattr(venue, name, None if name in ("starts_at", "ends_at") else "")


def _check_fields(venue: Venue, *, by=None) -> None:
    _drop_other_kinds(venue)
    if not (venue.name or "").strip():
        raise ServiceError(_("Give the venue a name."))
    if policy.is_sector_limited(by) and venue.sector_id != by.sector_id:
        raise Forbidden(_("This type of venue belongs to another sector."))
    kind = venue.venue_type.kind
    if kind == VenueKind.EVENT:
        if venue.starts_at is None or venue.ends_at is None:
            raise ServiceError(_("An event needs a start and an end."))
        if venue.ends_at <= venue.starts_at:
            raise ServiceError(_("An event must end after it starts."))
    if kind == VenueKind.VEHICLE and not (venue.plate or "").strip():
        raise ServiceError(_("A vehicle needs its plate or number."))
    if venue.latitude is not None and not -90 <= venue.latitude <= 90:
        raise ServiceError(_("The latitude must be between -90 and 90."))
    if venue.longitude is not None and not -180 <= venue.longitude <= 180:
        raise ServiceError(_("The longitude must be between -180 and 180."))
    if venue.default_stay_minutes is not None and not 1 <= venue.default_stay_minutes <= 24 * 60:
        raise ServiceError(_("The default length of stay must be between 1 and 1440 minutes."))


def find_duplicate(*, unit: Unit, name: str, street: str, exclude_pk=None) -> Venue | None:
    qs = Venue.objects.filter(natural_key=natural_key_of(unit.pk, name, street))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _save_new(venue: Venue) -> Venue:
    # A fresh random code collides about once in 6 billion registrations: retry, don't fail.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                venue.save()
            return venue
        except IntegrityError:
            if Venue.objects.filter(code=venue.code).exists():
                venue.code = new_public_code()
                venue.pk = None
                continue
            raise
    raise Conflict(_("Could not allocate a public code; try again."))


def venue_validate(
    *, name: str, venue_type: VenueType, unit: Unit, street: str = "", by: User | None = None, **fields
) -> None:
    """Run venue_register's checks without writing (the self-registration checks before the SMS)."""
    check_unit(unit, by=by)
    venue = Venue(
        name=(name or "").strip(),
        venue_type=venue_type,
        sector_id=venue_type.sector_id,
        unit=unit,
        street=(street or "").strip(),
        **{k: v for k, v in fields.items() if k in EDITABLE},
    )
    _check_fields(venue, by=by)
    existing = find_duplicate(unit=unit, name=venue.name, street=venue.street)
    if existing is not None:
        raise Conflict(
            _("This venue is already registered (%(name)s, code %(code)s).")
            % {"name": existing.name, "code": existing.code}
        )


@transaction.atomic
def venue_register(
    *,
    name: str,
    venue_type: VenueType,
    unit: Unit,
    street: str = "",
    by: User | None = None,
    manager: User | None = None,
    entrances: tuple[str, ...] | list[str] = (),
    allow_duplicate: bool = False,
    **fields,
) -> Venue:
    """Register a place, an event or a vehicle. ``by`` is the actor (an official registering on
    behalf of an owner, or the manager themselves); ``manager`` becomes the venue's manager."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Unknown venue fields: {sorted(unknown)}")
    check_unit(unit, by=by)
    if fields.get("default_stay_minutes") in (None, ""):
        fields["default_stay_minutes"] = venue_type.default_stay_minutes
    venue = Venue(
        name=(name or "").strip(),
        venue_type=venue_type,
        sector_id=venue_type.sector_id,
        unit=unit,
        street=(street or "").strip(),
        created_by=by if by is not None and by.is_authenticated else None,
        **fields,
    )
    if by is not None and by.is_authenticated and policy.can(by, "venue.verify"):
        # An official of the area (check_unit above) registers what they know: verified at once.
        # Only self-registered venues wait for an official (tracers weigh their scans).
        venue.verified, venue.verified_by = True, by
    _check_fields(venue, by=by)
    if not allow_duplicate:
        existing = find_duplicate(unit=unit, name=venue.name, street=venue.street)
        if existing is not None:
            raise Conflict(
                _("This venue is already registered (%(name)s, code %(code)s).")
                % {"name": existing.name, "code": existing.code},
                code="duplicate",
                venue=existing.code,
            )
    _save_new(venue)
    for entrance_name in entrances:
        if entrance_name.strip():
            Entrance.objects.create(venue=venue, name=entrance_name.strip()[:100])
    if manager is not None:
        membership_link(venue=venue, user=manager, role=MembershipRole.MANAGER)
    return venue


@transaction.atomic
def venue_update(
    *, venue: Venue, by: User | None = None, venue_type: VenueType | None = None, unit: Unit | None = None, **fields
) -> Venue:
    """Change a venue's details. Only officials move a venue to another unit."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Unknown venue fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(venue, key, value.strip() if isinstance(value, str) else value)
    if venue_type is not None and venue_type.pk != venue.venue_type_id:
        venue.venue_type = venue_type
        venue.sector_id = venue_type.sector_id
    if unit is not None and unit.pk != venue.unit_id:
        if by is not None:
            policy.require(by, "venue.move")
        check_unit(unit, by=by)
        venue.unit = unit
    if venue.default_stay_minutes in (None, ""):
        venue.default_stay_minutes = venue.venue_type.default_stay_minutes
    _check_fields(venue, by=by)
    venue.save()
    return venue


def venue_verify(*, venue: Venue, by: User, verified: bool = True) -> Venue:
    """An official of the venue's area confirms (or withdraws) that it exists as registered."""
    policy.require(by, "venue.verify", venue)
    venue.verified = verified
    venue.verified_by = by if verified else None
    venue.save(update_fields=["verified", "verified_by"])
    return venue


@transaction.atomic
def venue_set_status(*, venue: Venue, status: str, by: User | None) -> Venue:
    """Suspend, close or reopen a venue (a closed or suspended venue accepts no check-ins).

    Suspending and lifting a suspension are for officials of the venue's area ("venue.suspend").
    Closing and reopening are also for the venue's own managers ("venue.close"), but not while
    it is suspended: closing then reopening would lift an official's suspension. The status is
    read under a lock, so a reopening cannot slip past a suspension made at the same moment."""
    if status not in VenueStatus.values:
        raise ServiceError(_("Unknown status %(status)s.") % {"status": status})
    current = Venue.objects.select_for_update().filter(pk=venue.pk).values_list("status", flat=True).first()
    if by is not None:
        suspension = VenueStatus.SUSPENDED in (current, status)
        policy.require(by, "venue.suspend" if suspension else "venue.close", venue)
    venue.status = status
    venue.save(update_fields=["status"])
    return venue


BULK_POSTER_LIMIT = 5000


def posters_bulk(
    *,
    by: User | None,
    size: str = "A4",
    entrances: bool = False,
    include_closed: bool = False,
    limit: int | None = BULK_POSTER_LIMIT,
    **filters,
) -> tuple[bytes, int]:
    """One PDF page per venue (and per entrance with ``entrances``) matching ``filters`` (see
    ``selectors.venue_filter``) among the venues ``by`` sees; closed venues only if asked for
    (``include_closed`` or a ``status`` filter). The "print all" button, the API and ``ravao
    posters`` all come here. Returns the PDF and the number of venues."""
    from ravao.venues.posters import SIZES, render_bulk  # reportlab, loaded when printing
    from ravao.venues.selectors import venue_filter, venues_visible

    if by is not None:
        policy.require(by, "venue.posters_bulk")
    qs = venue_filter(venues_visible(by) if by is not None else Venue.objects.all(), **filters)
    if not (include_closed or filters.get("status")):
        qs = qs.exclude(status=VenueStatus.CLOSED)
    count = qs.count()
    if count == 0:
        raise NotFound(_("No venue matches."))
    if limit is not None and count > limit:
        raise ServiceError(_("More than 5,000 posters: narrow the selection (a unit, a sector)."))
    return render_bulk(qs, size=size if size in SIZES else "A4", entrances=entrances), count


def poster_revoke(*, venue: Venue, entrance: Entrance | None = None) -> None:
    """Replace a poster: the old one then answers "This poster has been replaced"."""
    if entrance is not None:
        Entrance.objects.filter(pk=entrance.pk).update(code_version=F("code_version") + 1)
        entrance.refresh_from_db(fields=["code_version"])
    else:
        Venue.objects.filter(pk=venue.pk).update(code_version=F("code_version") + 1)
        venue.refresh_from_db(fields=["code_version"])


# --- entrances and trips ----------------------------------------------------------------------


def entrance_add(*, venue: Venue, name: str) -> Entrance:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the entrance a name."))
    if venue.entrances.filter(name__iexact=name).exists():
        raise Conflict(_("This venue already has an entrance named %(name)s.") % {"name": name})
    return Entrance.objects.create(venue=venue, name=name[:100])


def entrance_rename(*, entrance: Entrance, name: str) -> Entrance:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the entrance a name."))
    entrance.name = name[:100]
    entrance.save(update_fields=["name"])
    return entrance


def entrance_remove(*, entrance: Entrance) -> None:
    """Remove an entrance; its poster then answers "replaced" (see codes.signing)."""
    entrance.delete()


def trip_add(*, venue: Venue, departs_at, arrives_at, label: str = "") -> Trip:
    if venue.venue_type.kind != VenueKind.VEHICLE:
        raise ServiceError(_("Only a vehicle has trips."))
    if departs_at is None or arrives_at is None:
        raise ServiceError(_("A trip needs a departure and an arrival time."))
    if arrives_at <= departs_at:
        raise ServiceError(_("A trip must arrive after it departs."))
    return Trip.objects.create(
        venue=venue, departs_at=departs_at, arrives_at=arrives_at, label=(label or "").strip()[:100]
    )


def trip_remove(*, trip: Trip) -> None:
    trip.delete()


# --- staff ------------------------------------------------------------------------------------


def membership_link(*, venue: Venue, user: User, role: str) -> VenueMembership:
    membership, created = VenueMembership.objects.get_or_create(venue=venue, user=user, defaults={"role": role})
    if not created and (membership.role != role or not membership.active):
        membership.role, membership.active = role, True
        membership.save(update_fields=["role", "active"])
    return membership


# Adding and removing staff: ravao/venues/staff.py (new accounts, invitations, answers).
