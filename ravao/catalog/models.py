"""Catalogues: sectors and venue types, with Vietnamese and English names stored as data."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128)

    class Meta:
        abstract = True
        ordering = ["code"]

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    def __str__(self) -> str:
        return self.name


class Sector(BilingualName):
    """A sector that drives deployment within a province (health, education, transport, ...)."""

    class Meta(BilingualName.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class VenueKind(models.TextChoices):
    PLACE = "place", _("Fixed place")
    EVENT = "event", _("Event (time window)")
    VEHICLE = "vehicle", _("Vehicle (trips)")


class VenueType(BilingualName):
    """A kind of place that must scan, with its sector and default length of stay."""

    sector = models.ForeignKey(Sector, models.PROTECT, related_name="venue_types", verbose_name=_("sector"))
    kind = models.CharField(_("kind"), max_length=16, choices=VenueKind.choices, default=VenueKind.PLACE)
    default_stay_minutes = models.PositiveIntegerField(_("default length of stay (minutes)"))
    # Mission category (dispatch 2278/BTTTT-THH of June 2021, point 1): "business" or "crowded".
    group = models.CharField(_("group"), max_length=16, default="business")

    class Meta(BilingualName.Meta):
        verbose_name = _("venue type")
        verbose_name_plural = _("venue types")
