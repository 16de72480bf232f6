"""Test helpers for venues (used by other apps' tests too): ``make_venue``."""

from ravao.catalog.models import VenueType
from ravao.venues.models import Venue


def make_venue(unit, name: str = "Quán cà phê Hương Giang", type_code: str = "restaurant", **extra) -> Venue:
    """A venue of ``type_code`` in ``unit`` (sector and default stay taken from the type)."""
    vt = VenueType.objects.select_related("sector").get(code=type_code)
    extra.setdefault("default_stay_minutes", vt.default_stay_minutes)
    return Venue.objects.create(name=name, venue_type=vt, sector=vt.sector, unit=unit, **extra)
