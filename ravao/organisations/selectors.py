"""Reads of organisations and canvassers, scoped by ``restrict(user)``."""

from django.db.models import Count, Q

from ravao.organisations.models import Canvasser, Organisation, OrganisationKind


def organisations_for(*, user, kind: str = ""):
    """The organisations a user sees, with the number of their venues and canvassers."""
    qs = Organisation.objects.restrict(user).select_related("unit", "parent", "sector")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        venue_count=Count("venues", distinct=True),
        canvasser_count=Count("canvassers", filter=Q(canvassers__user__is_active=True), distinct=True),
    ).order_by("kind", "name")


def mass_organisations(*, user):
    return Organisation.objects.restrict(user).filter(kind=OrganisationKind.MASS).order_by("name")


def structures(*, user):
    """Organisations venues can belong to (everything but the mass organisations)."""
    return Organisation.objects.restrict(user).exclude(kind=OrganisationKind.MASS).order_by("name")


def canvassers_in(*, user, unit=None):
    qs = Canvasser.objects.restrict(user).select_related("user", "user__unit", "organisation")
    if unit is not None:
        qs = qs.filter(user__unit__path__startswith=unit.path)
    return qs.order_by("user__unit__name", "user__username")
