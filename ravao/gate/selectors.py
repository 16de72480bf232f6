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
    """The current health questionnaire, labelled in the active language, for the form that
    staff fill in on a visitor's behalf (None if no version is current)."""
    from ravao.people.models import Questionnaire
    from ravao.people.questionnaires import label

    current = Questionnaire.objects.filter(is_current=True).order_by("-created_at").first()
    if current is None:
        return None
    fields = []
    for field in current.fields:
        fields.append(
            {
                "key": field["key"],
                "type": field["type"],
                "label": label(field.get("label", {})),
                "max_length": field.get("max_length", 500),
                "choices": [
                    {"value": c, "label": label(field.get("choice_labels", {}).get(c, {})) or c}
                    for c in field.get("choices", [])
                ],
            }
        )
    return {"version": current.version, "title": label(current.title), "fields": fields}
