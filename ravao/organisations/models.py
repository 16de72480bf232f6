"""Organisations: the mass organisations whose members canvass door to door, and the structures
departments drive (industrial zones and their enterprises, transport operators, universities and
colleges, hospital groups). A venue may belong to one; a canvasser belongs to one."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MASS = "mass", _("Mass organisation")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial zone")
    ENTERPRISE = "enterprise", _("Enterprise")
    TRANSPORT_OPERATOR = "transport_operator", _("Transport operator")
    UNIVERSITY = "university", _("University or college")
    HOSPITAL_GROUP = "hospital_group", _("Hospital group")
    OTHER = "other", _("Other organisation")


# The sector that drives each kind of structure (a kind not listed: none, or the creator's).
KIND_SECTORS = {
    OrganisationKind.INDUSTRIAL_ZONE: "industrial",
    OrganisationKind.ENTERPRISE: "industrial",
    OrganisationKind.TRANSPORT_OPERATOR: "transport",
    OrganisationKind.HOSPITAL_GROUP: "health",
}


class OrganisationQuerySet(models.QuerySet):
    def restrict(self, user):
        """Organisations a user may see: nationwide ones, those of the units above them and of
        their area (for a sector official: of their sector or of none)."""
        from ravao.accounts.scoping import shared_down_q

        if user is not None and user.is_authenticated and user.is_active and user.is_national:
            return self
        return self.filter(shared_down_q(user, unit="unit", sector="sector"))


class Organisation(models.Model):
    """An organisation. ``unit`` is where it belongs (empty: nationwide, as the mass
    organisations); ``parent`` nests structures (an enterprise inside an industrial zone, a
    campus inside a university)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)  # folded, for duplicates
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    unit = models.ForeignKey(
        "units.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    sector = models.ForeignKey(
        "catalog.Sector", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


class CanvasserQuerySet(models.QuerySet):
    def restrict(self, user):
        from ravao.accounts.scoping import scope_q

        return self.filter(scope_q(user, unit="user__unit"))


class Canvasser(models.Model):
    """A canvasser's membership: the mass organisation whose member they are (their account,
    with the canvasser role and their commune, is in accounts)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="canvasser_membership")
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="canvassers", verbose_name=_("organisation")
    )
    enlisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    enlisted_at = models.DateTimeField(default=timezone.now)

    objects = CanvasserQuerySet.as_manager()

    class Meta:
        verbose_name = _("canvasser")
        verbose_name_plural = _("canvassers")
