"""Writes of the door-to-door campaign: targets added, imported, assigned, visited, registered.

Pages, the API and commands call these functions; every one checks the actor's jurisdiction
through ``restrict(user)`` before writing.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.catalog.models import VenueType
from ravao.core.errors import Conflict, Forbidden, NotFound, ServiceError
from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.units.models import Unit
from ravao.venues.models import natural_key_of

IMPORT_COLUMNS = ["commune", "name", "venue_type", "address", "phone", "notes", "canvasser"]
MAX_IMPORT_ROWS = 20000


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
        raise NotFound(_("No official named “%(name)s” in your jurisdiction.") % {"name": username})
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


# ----------------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0  # already in the register (same commune, name and address): re-imports add nothing
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = True


def _read_rows(*, content: bytes, filename: str) -> list[dict]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ServiceError(_("The file is not a readable XLSX workbook.")) from exc
        values = [["" if c is None else str(c).strip() for c in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(_("CSV files must be encoded in UTF-8.")) from exc
        values = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    values = [row for row in values if any(row)]
    if not values:
        raise ServiceError(_("The file is empty."))
    header = [h.strip().lower() for h in values[0]]
    if "name" not in header or "commune" not in header:
        raise ServiceError(_("The first row must name the columns, at least “commune” and “name”."))
    if len(values) - 1 > MAX_IMPORT_ROWS:
        raise ServiceError(_("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in values[1:]]


def target_import(*, user, content: bytes, filename: str, dry_run: bool = True) -> ImportResult:
    """Import a register (CSV or XLSX; columns: IMPORT_COLUMNS). All or nothing: any row in error
    and nothing is written; ``dry_run`` checks every row and writes nothing. A row already in the
    register (same commune, name and address, accents and case aside) is skipped, so importing
    the same file twice adds nothing."""
    rows = _read_rows(content=content, filename=filename)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    types = {t.code: t for t in VenueType.objects.select_related("sector")}
    units: dict[str, Unit | None] = {}
    canvassers: dict[str, User | None] = {}
    prepared = []
    for number, row in enumerate(rows, start=2):
        try:
            code = row.get("commune", "")
            if code not in units:
                units[code] = _lowest_unit(user=user, code=code)
            vt = None
            if row.get("venue_type"):
                vt = types.get(row["venue_type"])
                if vt is None:
                    raise ServiceError(_("Unknown venue type “%(code)s”.") % {"code": row["venue_type"]})
            _check_type(user=user, venue_type=vt)
            if not row.get("name"):
                raise ServiceError(_("The name is required."))
            who = row.get("canvasser", "")
            if who not in canvassers:
                canvassers[who] = _canvasser(user=user, username=who)
            prepared.append((row, units[code], vt, canvassers[who]))
        except ServiceError as exc:
            result.errors.append((number, exc.message))
    if result.errors or dry_run:
        return result
    known = {
        natural_key_of(t.unit_id, t.name, t.address)
        for t in TargetEstablishment.objects.filter(unit__in={u for _, u, _, _ in prepared}).only(
            "unit_id", "name", "address"
        )
    }
    with transaction.atomic():
        for row, unit, vt, who in prepared:
            key = natural_key_of(unit.pk, row["name"], row.get("address", ""))
            if key in known:
                result.skipped += 1
                continue
            known.add(key)
            target_create(
                user=user,
                unit=unit,
                name=row["name"],
                venue_type=vt,
                address=row.get("address", ""),
                phone=row.get("phone", ""),
                notes=row.get("notes", ""),
                assigned_to=who,
                source=filename[-32:],
            )
            result.created += 1
    return result
