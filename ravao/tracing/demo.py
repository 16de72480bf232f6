"""Demo step: open one case in the demo province from the simulated visits, publish a window.

Idempotent: a second run finds the demo case (by its note) and changes nothing.
"""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from ravao.checkins.models import Visit
from ravao.core.errors import ServiceError
from ravao.tracing import services
from ravao.tracing.contacts import trace
from ravao.tracing.models import Case
from ravao.venues.models import Venue

DEMO_NOTE = "Demo case (ravao demo)"


def demo(*, province, users, stdout=None) -> str | None:
    tracer = users.get("truyvet")
    if tracer is None:
        return None
    existing = Case.objects.filter(notes__isnull=False, created_by=tracer).order_by("id")
    case = next((c for c in existing if c.notes == DEMO_NOTE), None)
    if case is None:
        now = timezone.now()
        since = now - timedelta(days=10)
        # The person with most visits in the last days (bounded by check-in time: pruned partitions).
        top = (
            Visit.objects.filter(
                checked_in_at__gte=since, checked_in_at__lt=now, venue__unit__path__startswith=province.path
            )
            .values("person_id")
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .order_by("-n", "person_id")
            .first()
        )
        if top is None:
            return "tracing: no simulated visits in the demo province, no demo case"
        first = (
            Visit.objects.filter(person_id=top["person_id"], checked_in_at__gte=since)
            .order_by("checked_in_at")
            .values_list("checked_in_at", flat=True)
            .first()
        )
        case = Case.objects.create(
            person_id=top["person_id"],
            unit=province,
            infectious_from=first - timedelta(hours=1),
            infectious_to=now,
            notes=DEMO_NOTE,
            created_by=tracer,
            test_date=timezone.localdate(now),
        )
    result = trace(person_id=case.person_id, window_from=case.infectious_from, window_to=case.infectious_to)
    if not case.windows.exists() and result.case_visits:
        v = result.case_visits[-1]
        code = Venue.objects.filter(pk=v.venue_id).values_list("code", flat=True).first()
        try:
            services.window_publish(
                user=tracer,
                venue_code=code,
                starts_at=v.checked_in_at,
                ends_at=v.checked_out_at,
                case=case,
                message="Theo dõi sức khỏe 14 ngày; gọi trạm y tế nếu có triệu chứng.",
            )
        except ServiceError:
            pass  # the venue lies outside the tracer's province: no window
    return (
        f"tracing: case F0 #{case.pk} with {len(result.case_visits)} visits and {len(result.contacts)} "
        f"contacts (log in as truyvet: /tracing/cases/{case.pk}/contacts/); public windows at /tracing/exposures/"
    )
