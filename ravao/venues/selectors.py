"""Reads of the venue registry, always through ``Venue.objects.restrict(user)``."""

from django.db.models import Q
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.catalog.models import Sector, VenueType
from ravao.core.errors import NotFound
from ravao.core.masking import mask_name, mask_phone
from ravao.core.venuecodes import normalise_venue_code
from ravao.units.selectors import unit_by_code
from ravao.venues.models import Venue, VenueMembership, fold_words


def venues_visible(user):
    return Venue.objects.restrict(user).select_related("venue_type", "sector", "unit", "unit__parent")


def venue_list(*, user, **filters):
    """The venues ``user`` may see, filtered (see ``venue_filter``)."""
    return venue_filter(venues_visible(user), **filters)


def venue_filter(
    qs,
    *,
    unit: str = "",
    sector: str = "",
    type: str = "",
    status: str = "",
    verified: str | bool | None = None,
    q: str = "",
    codes=None,
):
    """Filter venues. ``unit`` is a unit code: that unit and every unit below it. Unknown
    filter values raise NotFound with a clear message."""
    if codes:
        qs = qs.filter(code__in=[normalise_venue_code(c) for c in codes])
    if unit:
        found = unit_by_code(unit.strip())
        if found is None:
            raise NotFound(_("No unit with code %(code)s.") % {"code": unit})
        qs = qs.filter(unit__path__startswith=found.path)
    if sector:
        if not Sector.objects.filter(code=sector).exists():
            raise NotFound(_("No sector with code %(code)s.") % {"code": sector})
        qs = qs.filter(sector__code=sector)
    if type:
        if not VenueType.objects.filter(code=type).exists():
            raise NotFound(_("No venue type with code %(code)s.") % {"code": type})
        qs = qs.filter(venue_type__code=type)
    if status:
        qs = qs.filter(status=status)
    if verified not in (None, ""):
        qs = qs.filter(verified=str(verified).lower() in ("1", "true", "yes", "on"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code=normalise_venue_code(q)) | Q(search_key__contains=fold_words(q)) | Q(name__icontains=q))
    return qs.order_by("unit__path", "name", "id")


def venue_get(*, user, code: str) -> Venue:
    """One venue by its public code, if ``user`` may see it (else NotFound, never the data)."""
    venue = venues_visible(user).filter(code=normalise_venue_code(code)).first()
    if venue is None:
        raise NotFound(_("No venue with code %(code)s in your area.") % {"code": code})
    return venue


def venue_for_manage(*, user, code: str, capability: str = "venue.change") -> Venue:
    """A venue ``user`` sees (else NotFound) and may act on (else Forbidden)."""
    venue = venue_get(user=user, code=code)
    policy.require(user, capability, venue)
    return venue


def venue_for_official(*, user, code: str, capability: str = "venue.verify") -> Venue:
    """Like ``venue_for_manage`` for a capability of officials only: a role without it is
    refused before the venue is looked up."""
    policy.require(user, capability)
    return venue_for_manage(user=user, code=code, capability=capability)


def my_venues(user):
    """The venues a manager or gate staff member works at (the manager's home page)."""
    return (
        venues_visible(user)
        .filter(memberships__user=user, memberships__active=True)
        .order_by("venue_type__kind", "name")
        .distinct()
    )


def membership_role(user, venue: Venue) -> str | None:
    m = VenueMembership.objects.filter(user=user, venue=venue, active=True).values_list("role", flat=True).first()
    return m


def venue_types():
    return VenueType.objects.select_related("sector").order_by("name_vi")


def unit_candidates(text: str, *, user=None, limit: int = 10):
    """Communes/wards (lowest level, current generation) that ``text`` may name. Officials
    (area roles) only see their own area's units."""
    from ravao.units.models import Unit
    from ravao.units.selectors import unit_candidates as candidates

    units = Unit.objects.current().filter(children__isnull=True)
    if policy.scope_kind(user) == "area":
        units = units & Unit.objects.restrict(user)
    return candidates(text, units=units, limit=limit)


def venue_contact(*, user, venue: Venue, request=None) -> dict:
    """The venue's contact name and phone as ``user`` may see them: in full for the venue's
    managers and the officials of its area (``venue.contact``; the read is audited, with the
    venue's unit so that the area's auditors see it), masked for everyone else (gate staff,
    tracers, auditors)."""
    name, phone = venue.contact_name or "", venue.contact_phone or ""
    if not policy.can(user, "venue.contact", venue):
        return {"name": mask_name(name), "phone": mask_phone(phone), "masked": True}
    if name or phone:
        from ravao.audit.models import Action
        from ravao.audit.services import audit_record

        audit_record(
            user=user,
            action=Action.READ,
            object_type="venue_contact",
            object_id=venue.code,
            unit_id=venue.unit_id,
            request=request,
        )
    return {"name": name, "phone": phone, "masked": False}


def export_unit(*, user, unit_code: str = ""):
    """The unit a registry export covers, for its audit entry: the narrower of the filter's unit
    and the caller's own (None: the whole country)."""
    found = unit_by_code(unit_code.strip()) if unit_code else None
    if found is None or (user.unit is not None and not found.is_within(user.unit)):
        return user.unit
    return found
