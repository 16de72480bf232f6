"""Mobilisation: the log of loudspeaker and radio broadcasts made (dispatch 2278/BTTTT-THH §7:
district radio and commune loudspeakers); the scripts themselves are made from live figures
(``scripts.py``) and not stored, except the text actually read, kept with each broadcast."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet


class Channel(models.TextChoices):
    LOUDSPEAKER = "loudspeaker", _("Commune loudspeakers")
    RADIO = "radio", _("District radio")


class BroadcastQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"


class Broadcast(models.Model):
    """One broadcast made: who logged it, when it went out, where (the unit, and which cluster of
    loudspeakers or which station), and the script read (its text and digest)."""

    unit = models.ForeignKey("units.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    made_at = models.DateTimeField(_("broadcast at"), db_index=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    script = models.TextField(_("script"))
    script_digest = models.CharField(max_length=64)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = BroadcastQuerySet.as_manager()

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-made_at"]
        constraints = [
            # A form sent twice logs one broadcast.
            models.UniqueConstraint(fields=["unit", "channel", "made_at", "place"], name="broadcast_once"),
        ]
