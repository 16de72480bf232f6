"""What a health colour does: whom a visitor calls (per province), what a venue does with a red
or yellow visitor (per venue type), and the health department's follow-up of risk declarants.

National defaults are the rows without a unit; a province's own row, when it has one, wins.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet


class ProvinceQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"


class HealthContact(models.Model):
    """Whom to call in a province (``unit`` None: the national default), and whether confirmed
    cases there are published and messaged at once (PC-Covid's automatic warnings)."""

    unit = models.OneToOneField(
        "units.Unit", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    hotline = models.CharField(_("health hotline"), max_length=32)
    health_station = models.CharField(
        _("health station contact"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “the commune health station” or a name and a number"),
    )
    auto_warnings = models.BooleanField(
        _("automatic warnings"),
        default=False,
        help_text=_("When a tracer opens a case, publish the places and times at once and message its contacts."),
    )
    warning_margin_minutes = models.PositiveSmallIntegerField(_("margin around a case's visit (minutes)"), default=60)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("health contact")
        # The national row is the one without a unit (services keep it single: update_or_create).


class GateAction(models.TextChoices):
    ADMIT = "admit", _("Let in")
    REFER = "refer", _("Send to the screening desk")
    REFUSE = "refuse", _("Refuse entry")


class ColourRule(models.Model):
    """What a venue of one type does with a visitor of one colour (``unit`` None: national)."""

    unit = models.ForeignKey(
        "units.Unit", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    venue_type = models.ForeignKey("catalog.VenueType", models.CASCADE, related_name="+", verbose_name=_("venue type"))
    status = models.CharField(_("colour"), max_length=16)
    action = models.CharField(_("action"), max_length=8, choices=GateAction.choices)
    instruction = models.CharField(_("instruction to the guard"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("colour rule")
        constraints = [
            models.UniqueConstraint(fields=["unit", "venue_type", "status"], name="colour_rule_once"),
            models.UniqueConstraint(
                fields=["venue_type", "status"], condition=models.Q(unit__isnull=True), name="colour_rule_once_national"
            ),
        ]


class FollowUp(models.Model):
    """The health department followed up a red or yellow declaration (called the person...)."""

    declaration = models.OneToOneField("people.Declaration", models.CASCADE, related_name="+")
    followed_up_at = models.DateTimeField(default=timezone.now)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up of a declaration")
