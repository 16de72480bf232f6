"""Reads for venue managers, gates and officials: who is inside now, today's visits, counts.

Identities are masked here (never the full name or numbers): venues see "N. V. An", 1990.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.checkins.models import GateOutcome, HealthStatus, Outcome, Visit
from ravao.core.errors import NotFound
from ravao.core.masking import mask_name
from ravao.core.venuecodes import normalise_venue_code

# A visit can last at most this long (tracing assumes the same bound, see tracing/conf.py).
MAX_STAY = timedelta(hours=24)


def venue_for_viewer(*, user, code: str):
    """The venue with this code if ``user`` may see it (staff, manager, officials of its area)."""
    from ravao.venues.models import Venue

    venue = Venue.objects.restrict(user).select_related("venue_type").filter(code=normalise_venue_code(code)).first()
    if venue is None:
        raise NotFound(_("No venue with this code among the venues you may see."), code="unknown_venue")
    return venue


def day_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def visits_inside(*, venue, now: datetime | None = None):
    """Visits in progress: checked in, not yet checked out (really or automatically)."""
    now = now or timezone.now()
    return Visit.objects.filter(
        venue_id=venue.pk, checked_in_at__gte=now - MAX_STAY, checked_in_at__lte=now, checked_out_at__gt=now
    )


def visits_today(*, venue, now: datetime | None = None):
    now = now or timezone.now()
    return Visit.objects.filter(venue_id=venue.pk, checked_in_at__gte=day_start(now), checked_in_at__lte=now)


def venue_counts(*, venue, now: datetime | None = None) -> dict:
    """Inside now, visits today, distinct people today, and today's visits by status."""
    now = now or timezone.now()
    today = visits_today(venue=venue, now=now)
    agg = today.aggregate(
        visits=Count("id"),
        people=Count("person_id", distinct=True),
        inside=Count("id", filter=Q(checked_out_at__gt=now)),
        **{status: Count("id", filter=Q(status=status)) for status in HealthStatus.values},
    )
    # Visits that started yesterday and are still running count as inside too.
    agg["inside"] += visits_inside(venue=venue, now=now).filter(checked_in_at__lt=day_start(now)).count()
    # Red or yellow visitors the gate refused or sent to the screening desk today (not visits).
    outcomes = dict(
        GateOutcome.objects.filter(venue_id=venue.pk, at__gte=day_start(now), at__lte=now)
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    agg["by_outcome"] = {o: outcomes.get(o, 0) for o in Outcome.values}
    return agg


def masked_rows(visits, *, limit: int = 2000) -> list[dict]:
    """Visit rows with the person's masked name and birth year (for pages, API and export)."""
    rows = []
    qs = visits.select_related("person", "entrance").order_by("-checked_in_at")[:limit]
    for v in qs:
        rows.append(
            {
                "id": v.id,
                "masked_name": mask_name(v.person.full_name),
                "birth_year": v.person.birth_year,
                "status": v.status,
                "status_label": str(HealthStatus(v.status).label),
                "channel": v.channel,
                "entrance": v.entrance.name if v.entrance_id else "",
                "checked_in_at": v.checked_in_at,
                "checked_out_at": v.checked_out_at,
                "checkout_method": v.checkout_method,
                "companion_of": v.companion_of,
            }
        )
    return rows


def venues_of(*, user):
    """The venues a manager or gate staff member works at (or an official may see), newest first."""
    from ravao.venues.models import Venue

    return Venue.objects.restrict(user).order_by("name")
