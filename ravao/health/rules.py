"""What a colour does, read from the settings (national defaults, a province's own rows):
the advice and whom to call for the visitor, and the gate's action for a venue type.

Only red and yellow have rules: a green or undeclared visitor costs the check-in nothing here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ravao.health import colours
from ravao.health.models import ColourRule, GateAction, HealthContact
from ravao.people.models import Declaration, HealthStatus

RISK = (HealthStatus.RED, HealthStatus.YELLOW)
# The Ministry of Health's hotline: the answer when nobody has set one.
DEFAULT_HOTLINE = "1900 9095"

ADVICE = {
    HealthStatus.RED: gettext_lazy(
        "Do not go into crowded places. Go home or stay where you are, avoid contact with others, wear a mask "
        "and call the health hotline or your health station now: they will tell you where to be tested."
    ),
    HealthStatus.YELLOW: gettext_lazy(
        "Wear a mask, keep your distance and watch your health for 14 days. If you have fever, cough or "
        "difficulty breathing, call your health station before going to a clinic."
    ),
}
INSTRUCTION = {
    GateAction.REFER: gettext_lazy("Send the person to the screening desk; do not let them in yet."),
    GateAction.REFUSE: gettext_lazy("Do not let the person in. Give them the health hotline."),
}


@dataclass(frozen=True)
class Advice:
    """What a colour means here: for the visitor (advice, whom to call) and the guard (action)."""

    status: str
    reasons: tuple[str, ...] = ()
    reason_text: str = ""
    advice: str = ""
    hotline: str = DEFAULT_HOTLINE
    health_station: str = ""
    action: str = GateAction.ADMIT
    instruction: str = ""

    @property
    def stops_entry(self) -> bool:
        return self.action in (GateAction.REFER, GateAction.REFUSE)

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "reasons": list(self.reasons),
            "reason_text": self.reason_text,
            "advice": self.advice,
            "hotline": self.hotline,
            "health_station": self.health_station,
            "action": self.action,
            "instruction": self.instruction,
        }


def province_id(unit_id: int | None) -> int | None:
    """The province (the unit one level below the country root, any generation) of a unit."""
    if unit_id is None:
        return None
    from ravao.units.models import Level, Unit

    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if not path:
        return None
    parts = path.strip("/").split("/")
    if len(parts) < 2:
        return None
    found = (
        Unit.objects.filter(path=f"{parts[0]}/{parts[1]}/", level=Level.PROVINCE).values_list("pk", flat=True).first()
    )
    return found


def contact_for(unit_id: int | None) -> HealthContact:
    """The province's health contact, else the national one, else the Ministry's hotline."""
    province = province_id(unit_id)
    rows = {c.unit_id: c for c in HealthContact.objects.filter(unit_id__in=[province] if province else [])}
    if province in rows:
        return rows[province]
    national = HealthContact.objects.filter(unit__isnull=True).first()
    return national or HealthContact(hotline=DEFAULT_HOTLINE)


def rule_for(*, venue_type_id: int, unit_id: int | None, status: str) -> ColourRule | None:
    """The province's rule for this venue type and colour, else the national one."""
    if status not in RISK:
        return None
    province = province_id(unit_id)
    rules = list(
        ColourRule.objects.filter(venue_type_id=venue_type_id, status=status, unit_id__in=[province])
        if province
        else []
    ) or list(ColourRule.objects.filter(venue_type_id=venue_type_id, status=status, unit__isnull=True))
    return rules[0] if rules else None


def latest_declaration(*, person_id: int, at: datetime):
    """The declaration that gives the person's colour at ``at`` (as ``current_status``)."""
    return (
        Declaration.objects.filter(
            person_id=person_id, proven=True, created_at__lte=at + timedelta(minutes=1), valid_until__gt=at
        )
        .select_related("questionnaire")
        .order_by("-created_at")
        .first()
    )


def advice_for(*, status: str, venue=None, unit_id: int | None = None, declaration=None) -> Advice | None:
    """The advice for a red or yellow visitor (None for other colours): reasons from
    ``declaration`` (when known), whom to call in the venue's province, and what this venue
    type does (``venue``: its ``venue_type_id`` and ``unit_id``)."""
    if status not in RISK:
        return None
    unit_id = venue.unit_id if venue is not None else unit_id
    contact = contact_for(unit_id)
    reasons, text = (), ""
    if declaration is not None and declaration.status == status:
        reasons, text = colours.saved_reasons_text(declaration)
    action, instruction = GateAction.ADMIT, ""
    if venue is not None:
        rule = rule_for(venue_type_id=venue.venue_type_id, unit_id=unit_id, status=status)
        if rule is not None:
            action = rule.action
            instruction = rule.instruction or str(INSTRUCTION.get(rule.action, ""))
    return Advice(
        status=status,
        reasons=reasons,
        reason_text=text,
        advice=str(ADVICE[status]),
        hotline=contact.hotline or DEFAULT_HOTLINE,
        health_station=contact.health_station or _("your commune health station"),
        action=action,
        instruction=instruction,
    )


def gate_advice(*, venue, status: str, person_id: int, at: datetime) -> Advice | None:
    """At a gate: the advice and the venue's action for the person's colour (None when green or
    undeclared: nothing is read). The reasons come from the declaration that gave the colour."""
    if status not in RISK:
        return None
    return advice_for(status=status, venue=venue, declaration=latest_declaration(person_id=person_id, at=at))


def auto_warnings(unit_id: int | None) -> HealthContact | None:
    """The province's settings if it turned automatic warnings on (else None)."""
    contact = contact_for(unit_id)
    return contact if contact.pk and contact.auto_warnings else None


def advice_for_visit(visit) -> Advice | None:
    """The advice for a visit's colour (its confirmation page): the reasons from the declaration
    submitted with the check-in, if any (the submitter typed it), and the venue's rule."""
    if visit.status not in RISK:
        return None
    declaration = (
        Declaration.objects.filter(person_id=visit.person_id, created_at=visit.checked_in_at)
        .select_related("questionnaire")
        .first()
    )
    return advice_for(status=visit.status, venue=visit.venue, declaration=declaration)
