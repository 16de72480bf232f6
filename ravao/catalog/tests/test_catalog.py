import pytest
from django.utils import translation

from ravao.catalog.data import SECTORS, VENUE_TYPES
from ravao.catalog.models import Sector, VenueKind, VenueType

pytestmark = pytest.mark.django_db

# Every kind of place the 2021 request names (dispatch 2278/BTTTT-THH of June 2021, point 1) has a type.
MISSION = [
    "office",
    "industrial_zone",
    "factory",
    "restaurant",
    "bar",
    "beauty",
    "gym",
    "meeting",
    "hospital",
    "clinic",
    "apartment",
    "school",
    "railway_station",
    "bus_station",
    "port",
    "waiting_shelter",
    "bus",
    "shopping_centre",
    "supermarket",
    "market",
    "essential_shop",
    "funeral",
    "wedding",
    "tourist_site",
    "amusement",
    "religious_site",
    "vocational_school",
    "university",
]


def test_the_migration_loads_every_sector_and_venue_type():
    assert Sector.objects.count() == len(SECTORS)
    assert VenueType.objects.count() == len(VENUE_TYPES)
    assert set(MISSION) <= set(VenueType.objects.values_list("code", flat=True))
    for code in ("health", "education", "labour", "transport", "industrial", "information", "other"):
        assert Sector.objects.filter(code=code).exists()


def test_types_have_bilingual_names_a_sector_and_a_default_stay():
    for vt in VenueType.objects.select_related("sector"):
        assert vt.name_vi and vt.name_en
        assert vt.default_stay_minutes > 0
    assert VenueType.objects.get(code="hospital").sector.code == "health"
    assert VenueType.objects.get(code="bus").kind == VenueKind.VEHICLE
    assert VenueType.objects.get(code="wedding").kind == VenueKind.EVENT


def test_the_name_follows_the_active_language():
    school = VenueType.objects.get(code="school")
    with translation.override("vi"):
        assert school.name == "Trường học"
    with translation.override("en"):
        assert school.name == "School"
