"""Retention of tracing data: a step and a keep rule of ``ravao purge`` (ravao/core/retention.py)."""

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from ravao.core import retention
from ravao.tracing.models import Case, ContactTrace, ExposureWindow, Notification


@transaction.atomic
def purge_cases(*, before: datetime) -> dict:
    """Delete the cases created before ``before`` whose infectious window also ended before it
    — whatever their status — with their notes (a field of the case), follow-ups (e-mails,
    notes) and notification rows. Exposure windows stay (public, no personal data) but lose
    their link to the case. Returns ``{"cases", "follow_ups", "notifications"}``."""
    cases = Case.objects.filter(created_at__lt=before, infectious_to__lt=before)
    counts = {
        "follow_ups": ContactTrace.objects.filter(case__in=cases).delete()[0],
        "notifications": Notification.objects.filter(case__in=cases).delete()[0],
    }
    ExposureWindow.objects.filter(case__in=cases).update(case=None)
    counts["cases"] = cases.delete()[1].get(Case._meta.label, 0)
    return counts


def people_still_traced(cutoff: datetime) -> Q:
    """People tied to a case still being traced (open, or opened within retention) stay."""
    cases = Case.objects.filter(Q(status__in=["open", "traced"]) | Q(created_at__gte=cutoff))
    return Q(Exists(cases.filter(person_id=OuterRef("pk")))) | Q(
        Exists(ContactTrace.objects.filter(person_id=OuterRef("pk"), case__in=cases))
    )


def register() -> None:
    retention.register("tracing_cases", order=30, run=lambda ctx, report: purge_cases(before=ctx.cutoff)["cases"])
    retention.register_keep("people.Person", people_still_traced)
