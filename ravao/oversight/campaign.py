"""Reads of the door-to-door campaign: the register, progress per commune and per canvasser."""

from django.db.models import Count, Q

from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.units.models import Unit

STATUS_COUNTS = {s: Count("id", filter=Q(status=s)) for s in TargetStatus.values}


def targets_in(*, user, unit: Unit | None):
    qs = TargetEstablishment.objects.restrict(user).select_related("unit", "venue_type", "assigned_to", "venue")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


def _with_shares(row: dict) -> dict:
    total = row["total"] or 0
    done = row[TargetStatus.REGISTERED] + row[TargetStatus.ACTIVE]
    row["registered_share"] = round(done / total, 4) if total else None
    row["registered_pct"] = round(100 * done / total) if total else 0
    return row


def progress_by_commune(*, user, unit: Unit | None) -> list[dict]:
    """Per commune: targets by status and the share registered (registered or active)."""
    rows = (
        targets_in(user=user, unit=unit)
        .order_by()
        .values("unit_id", "unit__code", "unit__name")
        .annotate(total=Count("id"), **STATUS_COUNTS)
        .order_by("unit__name")
    )
    return [_with_shares(dict(r)) for r in rows]


def progress_by_canvasser(*, user, unit: Unit | None) -> list[dict]:
    """Per canvasser (assigned official): targets by status, and visits made."""
    rows = (
        targets_in(user=user, unit=unit)
        .order_by()
        .values("assigned_to_id", "assigned_to__username")
        .annotate(total=Count("id"), visited=Count("id", filter=Q(visited_at__isnull=False)), **STATUS_COUNTS)
        .order_by("assigned_to__username")
    )
    return [_with_shares(dict(r)) for r in rows]
