"""Retention of health declarations (a step of ``ravao purge``, see ravao/core/retention.py)."""

from ravao.core import retention
from ravao.core.retention import PurgeContext, PurgeReport
from ravao.people.models import Declaration


def purge_declarations(ctx: PurgeContext, report: PurgeReport) -> int:
    """Declarations made before the cutoff, in batches."""
    found = Declaration.objects.using(ctx.using)
    total = 0
    while True:
        ids = list(found.filter(created_at__lt=ctx.cutoff).values_list("id", flat=True)[: ctx.batch])
        if not ids:
            return total
        total += found.filter(id__in=ids).delete()[0]


def register() -> None:
    retention.register("declarations", order=20, run=purge_declarations)
