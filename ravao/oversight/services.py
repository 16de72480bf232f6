"""Writes of the door-to-door campaign: targets added, imported, assigned, visited, registered.

Pages, the API and commands call these functions; every one checks the actor's jurisdiction
through ``restrict(user)`` before writing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.catalog.models import VenueType
from ravao.core.errors import Conflict, Forbidden, NotFound, ServiceError
from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.units.models import Unit


def _lowest_unit(*, user, code: str = "", unit: Unit | None = None, generation: str = "") -> Unit:
    from django.conf import settings

    qs = Unit.objects.restrict(user)
    if unit is not None:
        found = qs.filter(pk=unit.pk).first()
    else:
        found = qs.filter(generation=generation or settings.RAVAO_UNIT_GENERATION, code=code).first()
    if found is None:
        raise NotFound(_("No such commune in your jurisdiction."))
    if found.children.exists():
        raise ServiceError(_("Targets belong to a commune or ward (the lowest level)."))
    return found


def _check_type(*, user, venue_type: VenueType | None) -> None:
    if policy.is_sector_limited(user) and (venue_type is None or venue_type.sector_id != user.sector_id):
        raise Forbidden(_("Sector officials add establishments of their own sector only."))


def _canvasser(*, user, username: str) -> User | None:
    if not username:
        return None
    found = (
        User.objects.filter(username=username, is_active=True, role__in=policy.roles_with("campaign.run"))
        .select_related("unit")
        .first()
    )
    if found is None or not (user.is_national or (found.unit and found.unit.is_within(user.unit))):
        raise NotFound(_("No canvasser or official named “%(name)s” in your jurisdiction.") % {"name": username})
    return found


def target_create(
    *,
    user,
    unit: Unit,
    name: str,
    venue_type: VenueType | None = None,
    address: str = "",
    phone: str = "",
    notes: str = "",
    status: str = TargetStatus.NOT_VISITED,
    assigned_to: User | None = None,
    source: str = "field",
) -> TargetEstablishment:
    """Add one establishment to the register (from a phone on the spot, or by an import)."""
    unit = _lowest_unit(user=user, unit=unit)
    _check_type(user=user, venue_type=venue_type)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("The name is required."))
    if status not in (TargetStatus.NOT_VISITED, TargetStatus.GUIDED):
        raise ServiceError(_("A new establishment is not yet visited or guided; register it as a venue to link it."))
    now = timezone.now()
    return TargetEstablishment.objects.create(
        unit=unit,
        name=name[:200],
        venue_type=venue_type,
        sector=venue_type.sector if venue_type else None,
        address=address.strip()[:255],
        phone=phone.strip()[:32],
        notes=notes,
        status=status,
        visited_at=now if status == TargetStatus.GUIDED else None,
        assigned_to=assigned_to,
        assigned_at=now if assigned_to else None,
        source=source[:32],
        created_by=user if user.is_authenticated else None,
    )


def target_get(*, user, pk: int) -> TargetEstablishment:
    target = (
        TargetEstablishment.objects.restrict(user).select_related("unit", "venue_type", "venue").filter(pk=pk).first()
    )
    if target is None:
        raise NotFound(_("No such establishment in your jurisdiction."))
    return target


def target_set_status(*, user, target: TargetEstablishment, status: str, notes: str = "") -> TargetEstablishment:
    """Record a visit: guided (leaflet and explanation given) or back to not visited."""
    target = target_get(user=user, pk=target.pk)
    if status not in (TargetStatus.NOT_VISITED, TargetStatus.GUIDED):
        raise ServiceError(_("Registered and active follow from the venue; use “Register as a venue”."))
    if target.venue_id is not None:
        raise Conflict(_("This establishment is already registered as a venue."))
    target.status = status
    if status == TargetStatus.GUIDED:
        target.visited_at = timezone.now()
    if notes:
        target.notes = f"{target.notes}\n{notes}".strip()
    target.save(update_fields=["status", "visited_at", "notes", "updated_at"])
    return target


@transaction.atomic
def target_assign(*, user, targets: list[int], canvasser: str) -> int:
    """Assign establishments (ids) to a canvasser (username; empty: unassign). Returns the count."""
    policy.require(user, "campaign.manage")
    who = _canvasser(user=user, username=canvasser)
    qs = TargetEstablishment.objects.restrict(user).filter(pk__in=targets)
    if qs.count() != len(set(targets)):
        raise NotFound(_("Some establishments are not in your jurisdiction."))
    return qs.update(assigned_to=who, assigned_at=timezone.now() if who else None)


def _create_venue(*, user, target: TargetEstablishment, venue_type: VenueType):
    """The one place that creates a venue from a target: the venues app's registration service
    (its checks, duplicate detection and public code), with the target's data carried over."""
    from ravao.venues.services import venue_register

    return venue_register(
        by=user,
        name=target.name,
        unit=target.unit,
        venue_type=venue_type,
        street=target.address,
        contact_phone=target.phone,
    )


@transaction.atomic
def target_register_venue(*, user, target: TargetEstablishment, venue_type: VenueType | None = None):
    """One tap: register the establishment as a venue with its data, and link the two."""
    target = (
        TargetEstablishment.objects.select_for_update()
        .filter(pk__in=TargetEstablishment.objects.restrict(user).filter(pk=target.pk).values("pk"))
        .select_related("unit")
        .first()
    )
    if target is None:
        raise NotFound(_("No such establishment in your jurisdiction."))
    if target.venue_id is not None:
        raise Conflict(_("This establishment is already registered as a venue."))
    venue_type = venue_type or target.venue_type
    if venue_type is None:
        raise ServiceError(_("Choose the type of venue first."))
    _check_type(user=user, venue_type=venue_type)
    venue = _create_venue(user=user, target=target, venue_type=venue_type)
    target.venue = venue
    target.venue_type = venue_type
    target.sector = venue_type.sector
    target.status = TargetStatus.REGISTERED
    target.visited_at = target.visited_at or timezone.now()
    target.save()
    return venue
