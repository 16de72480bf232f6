"""The administrative map: a tree of units of any depth, in one or more generations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitQuerySet(models.QuerySet):
    def current(self):
        """Units of the generation that public codes refer to (settings.RAVAO_UNIT_GENERATION)."""
        return self.filter(generation=settings.RAVAO_UNIT_GENERATION)

    def within(self, unit: "Unit"):
        """The unit itself and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def restrict(self, user):
        """Units ``user`` may look at: their jurisdiction's unit and everything below it."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_national:
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(reach_q(user.unit))


def mapped_from(unit: "Unit"):
    """Ids of the current-generation communes that the communes within ``unit`` (a unit of
    another generation: a district of the pre-2025 map) became part of (``UnitMapping``)."""
    return UnitMapping.objects.filter(
        old__path__startswith=unit.path, new__generation=settings.RAVAO_UNIT_GENERATION, new__level=Level.COMMUNE
    ).values("new_id")


def reach_q(unit: "Unit", field: str = "") -> Q:
    """The units a jurisdiction over ``unit`` reaches, as a filter on ``field`` (a lookup to a
    unit; empty: the units themselves): ``unit`` and every unit below it — and, when ``unit``
    belongs to another generation than the current one, the current communes that its communes
    became part of, so that a district of the old map sees the venues of its former communes.
    Used by ``accounts/scoping.py`` (the one place that filters by jurisdiction) and by
    ``restrict`` here."""
    prefix = f"{field}__" if field else ""
    q = Q(**{f"{prefix}path__startswith": unit.path})
    if unit.generation != settings.RAVAO_UNIT_GENERATION:
        q |= Q(**{f"{field or 'pk'}__in": mapped_from(unit)})
    return q


class Unit(models.Model):
    """One administrative unit (province, district, commune/ward) of one generation.

    ``path`` is a materialised path of codes ("2025/01/00097/") so that "this unit and
    everything below it" is one indexed prefix match, whatever the depth of the tree.
    """

    generation = models.CharField(_("generation"), max_length=16)
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=128, blank=True)
    kind = models.CharField(_("kind"), max_length=32, blank=True, help_text=_("e.g. Phường, Xã, Huyện"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    depth = models.PositiveSmallIntegerField(_("depth"))
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(_("path"), max_length=255, unique=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    search_key = models.CharField(max_length=255, blank=True, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["generation", "code"], name="unit_generation_code_unique"),
        ]
        indexes = [models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"])]
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self):
        """Units above this one, from the top down (one query)."""
        parts = self.path.strip("/").split("/")[1:-1]
        return Unit.objects.filter(generation=self.generation, code__in=parts).order_by("depth")

    def is_within(self, other: "Unit | None") -> bool:
        return other is None or self.path.startswith(other.path)


class UnitMapping(models.Model):
    """Maps a legacy unit to the current unit(s) it became part of (the July 2025 merger)."""

    old = models.ForeignKey(Unit, models.CASCADE, related_name="successors")
    new = models.ForeignKey(Unit, models.CASCADE, related_name="predecessors")
    is_default = models.BooleanField(
        default=True, help_text=_("For an old unit split among several new ones: the main successor.")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="unit_mapping_unique")]
