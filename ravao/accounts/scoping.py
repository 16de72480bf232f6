"""Jurisdiction scoping: the one place that decides which rows a user may see.

Every model that holds data of an area declares, in a ``Scope`` inner class of its queryset,
the lookup paths to its unit, its sector and (for venue staff) its venue:

    class VenueQuerySet(ScopedQuerySet):
        class Scope:
            unit = "unit"
            sector = "venue_type__sector"
            venue = "id"

Lists, details, exports, API endpoints and commands all go through ``restrict(user)``.
Nothing else filters by jurisdiction. (Units themselves: ``UnitQuerySet.restrict``.)
"""

from django.db import models
from django.db.models import Q

from ravao.accounts import policy, venuestaff

NOTHING = Q(pk__in=[])


def scope_q(user, *, unit: str | None, sector: str | None = None, venue: str | None = None) -> Q:
    """A Q object restricting rows to ``user``'s jurisdiction (lookup paths given by the model)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    kind = policy.scope_kind(user)
    if kind == "area":
        q = Q()
        if user.unit_id is not None:
            if unit is None:
                return NOTHING
            q &= Q(**{f"{unit}__path__startswith": user.unit.path})
        if policy.is_sector_limited(user):
            if sector is None or user.sector_id is None:
                return NOTHING
            q &= Q(**{f"{sector}": user.sector_id})
        return q
    if kind == "venue" and venue is not None:
        return venuestaff.venue_filter(user, venue)
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    class Scope:
        unit: str | None = None
        sector: str | None = None
        venue: str | None = None

    def restrict(self, user):
        """Only the rows ``user`` may see (the jurisdiction check of every read path)."""
        scope = self.Scope
        return self.filter(
            scope_q(
                user,
                unit=getattr(scope, "unit", None),
                sector=getattr(scope, "sector", None),
                venue=getattr(scope, "venue", None),
            )
        )


def reach_q(user, *, unit: str, sector: str | None = None) -> Q:
    """Rows shared downwards, such as organisations: those of the user's area (as ``scope_q``)
    and those of the units above it, a null unit being the whole country; for a sector official,
    rows of their sector or of none."""
    if user is None or not user.is_authenticated or not user.is_active or policy.scope_kind(user) != "area":
        return NOTHING
    q = Q()
    if user.unit_id is not None:
        parts = user.unit.path.strip("/").split("/")
        above = ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
        q &= (
            Q(**{f"{unit}__isnull": True})
            | Q(**{f"{unit}__path__in": above})
            | Q(**{f"{unit}__path__startswith": user.unit.path})
        )
    if policy.is_sector_limited(user) and sector is not None:
        q &= Q(**{f"{sector}__isnull": True}) | Q(**{sector: user.sector_id})
    return q
