"""Writes of the health settings (who to call, automatic warnings, what a venue type does with a
colour) and the follow-up mark. Pages and the API call these; the policy is required here."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.core.errors import Forbidden, NotFound, ServiceError
from ravao.health.models import ColourRule, FollowUp, GateAction, HealthContact
from ravao.health.rules import RISK
from ravao.health.selectors import risk_declarations

INHERIT = ""  # a province's rule that follows the national default


def require_settings(user, unit):
    """``unit``: the province whose settings change (None: the national defaults)."""
    policy.require(user, "health.settings", unit)
    if unit is None and not policy.is_national(user):
        raise Forbidden(_("Only national administrators set the national defaults."))
    if unit is not None and unit.level != "province":
        raise ServiceError(_("Health settings are set per province."), code="not_a_province")
    return user


@transaction.atomic
def settings_save(
    *,
    user,
    unit,
    hotline: str,
    health_station: str = "",
    auto_warnings: bool = False,
    margin_minutes: int = 60,
    rules: dict | None = None,
) -> HealthContact:
    """Save a province's (or the national) contact and rules. ``rules``:
    {(venue_type_id, status): (action, instruction)}; for a province, action ``""`` follows the
    national default (its own row is removed)."""
    require_settings(user, unit)
    hotline = " ".join((hotline or "").split())[:32]
    if not hotline or not any(ch.isdigit() for ch in hotline):
        raise ServiceError(_("Give the health hotline (a phone number)."), code="bad_hotline")
    if not 0 <= int(margin_minutes) <= 24 * 60:
        raise ServiceError(_("The margin must be between 0 and 1,440 minutes."), code="bad_margin")
    now = timezone.now()
    contact, _created = HealthContact.objects.update_or_create(
        unit=unit,
        defaults={
            "hotline": hotline,
            "health_station": " ".join((health_station or "").split())[:200],
            "auto_warnings": bool(auto_warnings),
            "warning_margin_minutes": int(margin_minutes),
            "updated_at": now,
            "updated_by": user,
        },
    )
    changed = 0
    for (venue_type_id, status), (action, instruction) in (rules or {}).items():
        if status not in RISK:
            raise ServiceError(_("Rules are set for red and yellow only."), code="bad_status")
        if action == INHERIT and unit is not None:
            changed += ColourRule.objects.filter(unit=unit, venue_type_id=venue_type_id, status=status).delete()[0]
            continue
        if action not in GateAction.values:
            raise ServiceError(_("Unknown action “%(a)s”.") % {"a": str(action)[:16]}, code="bad_action")
        ColourRule.objects.update_or_create(
            unit=unit,
            venue_type_id=venue_type_id,
            status=status,
            defaults={
                "action": action,
                "instruction": (instruction or "").strip()[:300],
                "updated_at": now,
                "updated_by": user,
            },
        )
        changed += 1
    audit_record(
        user=user,
        action=Action.CHANGE,
        object_type="health_settings",
        object_id=unit.pk if unit else "national",
        purpose="health settings",
        unit=unit,
        detail={"auto_warnings": bool(auto_warnings), "rules": changed},
    )
    return contact


@transaction.atomic
def follow_up_mark(*, user, declaration_id: int, done: bool = True, request=None) -> bool:
    """Mark a red or yellow declaration of one's area as followed up (or not). Idempotent."""
    declaration = risk_declarations(user=user, now=timezone.now()).filter(pk=declaration_id).first()
    if declaration is None:
        raise NotFound(_("No such red or yellow declaration in your area."))
    if done:
        FollowUp.objects.get_or_create(declaration=declaration, defaults={"followed_up_by": user})
    else:
        FollowUp.objects.filter(declaration=declaration).delete()
    audit_record(
        user=user,
        action=Action.CHANGE,
        object_type="person",
        object_id=declaration.person_id,
        purpose="health follow-up",
        unit_id=declaration.person.unit_id,
        request=request,
        detail={"declaration": declaration.pk, "followed_up": done},
    )
    return done
