"""Reads of the health department: the red and yellow declarants of one's area (scoped by
``Declaration.objects.restrict``: the declarant's home unit), every full read audited."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from ravao.accounts import policy
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.health import colours
from ravao.health.models import FollowUp
from ravao.people.models import Declaration, HealthStatus

FOLLOW_UP_DAYS = 14
LIMIT = 1000


@dataclass(frozen=True)
class Declarant:
    declaration_id: int
    person_id: int
    full_name: str
    phone: str
    birth_year: int | None
    unit: str
    status: str
    reasons: str
    declared_at: datetime
    proven: bool
    followed_up_at: datetime | None


def risk_declarations(*, user, status: str = "", pending: bool = False, now=None):
    """Red and yellow declarations of the last 14 days whose declarant lives in ``user``'s area,
    newest first (a queryset; ``pending``: not followed up yet)."""
    policy.require(user, "health.followup")
    now = now or timezone.now()
    statuses = (
        [status] if status in (HealthStatus.RED, HealthStatus.YELLOW) else [HealthStatus.RED, HealthStatus.YELLOW]
    )
    qs = (
        Declaration.objects.restrict(user)
        .filter(status__in=statuses, created_at__gte=now - timedelta(days=FOLLOW_UP_DAYS))
        .select_related("person", "person__unit", "questionnaire")
        .order_by("-created_at", "-id")
    )
    if pending:
        qs = qs.exclude(pk__in=FollowUp.objects.values("declaration_id"))
    return qs


def declarants(*, user, status: str = "", pending: bool = False, purpose: str = "health follow-up", request=None):
    """The list (full names and phones: the health department calls them), audited as one read."""
    rows = list(risk_declarations(user=user, status=status, pending=pending)[:LIMIT])
    done = dict(
        FollowUp.objects.filter(declaration_id__in=[d.pk for d in rows]).values_list("declaration_id", "followed_up_at")
    )
    out = []
    for d in rows:
        _codes, reasons = colours.saved_reasons_text(d)
        out.append(
            Declarant(
                declaration_id=d.pk,
                person_id=d.person_id,
                full_name=d.person.full_name,
                phone=d.person.phone,
                birth_year=d.person.birth_year,
                unit=d.person.unit.name if d.person.unit_id else "",
                status=d.status,
                reasons=reasons,
                declared_at=d.created_at,
                proven=d.proven,
                followed_up_at=done.get(d.pk),
            )
        )
    audit_record(
        user=user,
        action=Action.EXPORT if purpose.endswith("export") else Action.READ,
        object_type="risk_declarants",
        purpose=purpose,
        unit_id=user.unit_id,
        request=request,
        detail={"count": len(out), "status": status or "red+yellow", "pending": pending},
    )
    return out
