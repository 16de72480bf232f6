"""Per organisation (an industrial zone and its enterprises, a transport operator, a university
and its campuses, a hospital group): its venues, how many scanned in the last 7 days, and
whether it lags. What a department's dashboard lists (docs/indicators.md, "Organisations")."""

from datetime import timedelta

from ravao.core.dbrouting import reading_from_replica
from ravao.oversight import selectors
from ravao.oversight.models import VenueDay


def _empty(org) -> dict:
    return {"organisation": org, "venues": 0, "active_7d": 0, "share": None, "lagging": False}


@reading_from_replica()
def organisation_rows(*, user, scope: selectors.Scope) -> list[dict]:
    """The organisations with venues in the scope (unit and below, sector if any), each with its
    own venues and those of the organisations inside it; an organisation lags when less than
    the target share (``RAVAO_TARGET_REGISTERED_SHARE``) of its venues scanned in the last 7
    days. Lagging ones first."""
    from ravao.organisations.models import Organisation
    from ravao.venues.models import Venue, VenueStatus

    venues = Venue.objects.restrict(user).filter(organisation__isnull=False).exclude(status=VenueStatus.CLOSED)
    if scope.unit is not None:
        venues = venues.filter(unit__path__startswith=scope.unit.path)
    if scope.sector is not None:
        venues = venues.filter(sector=scope.sector)
    pairs = list(venues.values_list("id", "organisation_id")[:50000])
    if not pairs:
        return []
    active = set(
        VenueDay.objects.restrict(user)
        .filter(venue_id__in=[v for v, _o in pairs], day__gte=scope.last - timedelta(days=6), day__lte=scope.last)
        .values_list("venue_id", flat=True)
        .distinct()
    )
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in={o for _v, o in pairs}).select_related("parent")}
    # Parents too (an industrial zone whose venues all belong to its enterprises).
    for org in list(orgs.values()):
        if org.parent_id and org.parent_id not in orgs:
            orgs[org.parent_id] = org.parent
    rows = {pk: _empty(org) for pk, org in orgs.items()}
    for venue_id, org_id in pairs:
        for pk in {org_id, orgs[org_id].parent_id} - {None}:
            rows[pk]["venues"] += 1
            rows[pk]["active_7d"] += venue_id in active
    target = selectors.target_registered_share()
    for row in rows.values():
        row["share"] = round(row["active_7d"] / row["venues"], 4) if row["venues"] else None
        row["lagging"] = row["share"] is not None and row["share"] < target
        row["share_pct"] = round(100 * row["share"]) if row["share"] is not None else 0
    return sorted(rows.values(), key=lambda r: (not r["lagging"], r["organisation"].name))
