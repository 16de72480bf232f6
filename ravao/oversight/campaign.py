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


ORGANISATION = "assigned_to__canvasser_membership__organisation"


def progress_by_canvasser(*, user, unit: Unit | None) -> list[dict]:
    """Per canvasser (an official, or a member of a mass organisation): targets by status, and
    visits made; ``organisation`` names a canvasser's organisation ("" for officials)."""
    rows = (
        targets_in(user=user, unit=unit)
        .order_by()
        .values("assigned_to_id", "assigned_to__username", f"{ORGANISATION}__name", f"{ORGANISATION}__name_en")
        .annotate(total=Count("id"), visited=Count("id", filter=Q(visited_at__isnull=False)), **STATUS_COUNTS)
        .order_by("assigned_to__username")
    )
    return [_with_shares(_organisation_name(dict(r))) for r in rows]


def _organisation_name(row: dict) -> dict:
    from django.utils.translation import get_language

    vi, en = row.pop(f"{ORGANISATION}__name"), row.pop(f"{ORGANISATION}__name_en")
    row["organisation"] = (en if en and (get_language() or "vi").startswith("en") else vi) or ""
    return row


def progress_by_organisation(*, user, unit: Unit | None) -> list[dict]:
    """Per mass organisation: the targets assigned to its canvassers, by status, visits made and
    canvassers at work. Targets assigned to officials, or to nobody, are not counted here."""
    rows = (
        targets_in(user=user, unit=unit)
        .filter(**{f"{ORGANISATION}__isnull": False})
        .order_by()
        .values(f"{ORGANISATION}_id", f"{ORGANISATION}__name", f"{ORGANISATION}__name_en")
        .annotate(
            total=Count("id"),
            visited=Count("id", filter=Q(visited_at__isnull=False)),
            canvassers=Count("assigned_to", distinct=True),
            **STATUS_COUNTS,
        )
        .order_by(f"{ORGANISATION}__name")
    )
    return [_with_shares(_organisation_name(dict(r))) for r in rows]
