"""Reads for the gate scanner: the venues a gate staff member or manager may scan at."""

from django.db.models import Prefetch

from ravao.accounts import policy
from ravao.venues.models import Entrance, Venue, VenueStatus


def may_use_gate(user) -> bool:
    """Gate staff and venue managers; what they may scan at is decided per venue below."""
    return policy.can(user, "gate.scan")


def gate_venues(user):
    """The open venues ``user`` actively works at, with their entrances, by name."""
    if not may_use_gate(user):
        return Venue.objects.none()
    return (
        Venue.objects.restrict(user)
        .filter(memberships__user=user, memberships__active=True)
        .exclude(status=VenueStatus.CLOSED)
        .prefetch_related(Prefetch("entrances", queryset=Entrance.objects.order_by("id")))
        .order_by("name", "id")
        .distinct()
    )


def gate_config(user) -> list[dict]:
    """What the scanner page needs to offer a choice: venue code, name, status, entrances."""
    return [
        {
            "code": venue.code,
            "name": venue.name,
            "suspended": venue.status == VenueStatus.SUSPENDED,
            "entrances": [{"id": e.pk, "name": e.name} for e in venue.entrances.all()],
        }
        for venue in gate_venues(user)
    ]


def declaration_form() -> dict | None:
    """The health questions of the current declaration form version, labelled in the active
    language, for the form that staff fill in on a visitor's behalf (the person is known from
    their card or code; None if no version is current)."""
    from ravao.core.errors import ServiceError
    from ravao.people import formpage, questionnaires

    try:
        q = questionnaires.questionnaire()
    except ServiceError:
        return None
    form = formpage.form_items(q.as_form())
    return {"version": form["version"], "title": form["title"], "fields": form["health"]}
