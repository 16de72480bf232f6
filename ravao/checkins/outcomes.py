"""Gate outcomes other than an entry: a red or yellow visitor refused, or sent to the screening
desk, when the venue type's rule says so (ravao/health/rules.py). Called by ``checkin_scan``
inside its transaction (so a replayed client_id writes nothing twice); recorded as a
``GateOutcome`` row, never as a visit: the person did not go in.
"""

from django.utils.translation import gettext as _

from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.checkins.models import CheckoutMethod, GateOutcome, Outcome, Visit
from ravao.health.models import GateAction

OUTCOME_OF = {GateAction.REFUSE: Outcome.REFUSED, GateAction.REFER: Outcome.REFERRED}
ENTERED = "entered"  # the answer's ``outcome`` for an ordinary visit


def outcome_record(*, user, venue, entrance, person, at, channel: str, advice) -> tuple[GateOutcome, Visit]:
    """Record that the gate did not let ``person`` in (``advice.action``: refuse or refer), audit
    it, and return the row and an unsaved visit-shaped stand-in for the scan's answer (no id,
    checked out at the instant it was scanned)."""
    outcome = GateOutcome.objects.create(
        venue_id=venue.pk,
        entrance_id=entrance.pk if entrance is not None else None,
        person_id=person.pk,
        at=at,
        outcome=OUTCOME_OF[advice.action],
        status=advice.status,
        reasons=",".join(advice.reasons)[:200],
        channel=channel,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(
        user=user,
        action=Action.CHANGE,
        object_type="gate_outcome",
        object_id=person.pk,
        purpose=f"gate: {outcome.outcome}",
        unit_id=venue.unit_id,
        detail={"venue": venue.code, "status": advice.status, "outcome": outcome.outcome},
    )
    stand_in = Visit(
        id=None,
        venue_id=venue.pk,
        entrance_id=outcome.entrance_id,
        person_id=person.pk,
        checked_in_at=at,
        checked_out_at=at,
        checkout_method=CheckoutMethod.SCAN,
        channel=channel,
        status=advice.status,
    )
    return outcome, stand_in


def outcome_label(outcome: str) -> str:
    return str(Outcome(outcome).label) if outcome in Outcome.values else _("Entered")
