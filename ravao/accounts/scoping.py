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
from ravao.units.models import reach_q

NOTHING = Q(pk__in=[])


def scope_q(
    user, *, unit: str | None, sector: str | None = None, venue: str | None = None, sector_code: str | None = None
) -> Q:
    """A Q object restricting rows to ``user``'s jurisdiction (lookup paths given by the model).
    ``sector_code``: the rows belong to that sector as a whole (health declarations: the health
    sector), so a sector official sees them, in their unit, only if it is their sector."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    kind = policy.scope_kind(user)
    if kind == "area":
        q = Q()
        if user.unit_id is not None:
            if unit is None:
                return NOTHING
            q &= reach_q(user.unit, unit)
        if policy.is_sector_limited(user):
            if sector_code is not None and user.sector_id is not None:
                from ravao.catalog.models import Sector

                return q if Sector.objects.filter(pk=user.sector_id, code=sector_code).exists() else NOTHING
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
        sector_code: str | None = None

    def restrict(self, user):
        """Only the rows ``user`` may see (the jurisdiction check of every read path)."""
        scope = self.Scope
        return self.filter(
            scope_q(
                user,
                unit=getattr(scope, "unit", None),
                sector=getattr(scope, "sector", None),
                venue=getattr(scope, "venue", None),
                sector_code=getattr(scope, "sector_code", None),
            )
        )


def _follow(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


def covers(user, obj) -> bool:
    """Is ``obj`` within ``restrict(user)``? A saved row is looked up; a row about to be created
    (a policy check before the write) is judged on its unit and sector, by the same rules."""
    if obj.pk is not None:
        return type(obj).objects.restrict(user).filter(pk=obj.pk).exists()
    scope = type(obj).objects.all().Scope
    unit_path, sector_path = getattr(scope, "unit", None), getattr(scope, "sector", None)
    if policy.scope_kind(user) != "area" or unit_path is None:
        return False
    unit = _follow(obj, unit_path)
    if unit is None or not type(unit).objects.restrict(user).filter(pk=unit.pk).exists():
        return False
    if policy.is_sector_limited(user):
        sector = _follow(obj, sector_path) if sector_path else None
        return sector is not None and sector.pk == user.sector_id
    return True


def shared_down_q(user, *, unit: str, sector: str | None = None) -> Q:
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
