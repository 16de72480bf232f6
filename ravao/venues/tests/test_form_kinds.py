"""The venue form shows only the fields of the chosen type's kind, and the server ignores the
others (the form works without JavaScript; the script only hides sooner)."""

import pytest
from django.test import Client
from django.utils import translation

from ravao.catalog.models import VenueType
from ravao.venues.models import Venue
from ravao.venues.services import venue_register


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def official(users):
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(users["commune_a"])
    return c


def _data(small_map, type_code, **extra):
    return {
        "name": "Địa điểm thử",
        "venue_type": VenueType.objects.get(code=type_code).pk,
        "unit": small_map.commune_a.code,
        "street": "1 Lê Lợi",
        **extra,
    }


EVENT = {"starts_at": "2026-12-20T08:00", "ends_at": "2026-12-20T17:00"}
VEHICLE = {"plate": "75B-012.34", "operator": "Phương Trang", "route": "Huế – Đà Nẵng"}


def test_a_shop_sent_with_event_and_vehicle_fields_is_saved_without_them(official, small_map):
    res = official.post("/venues/new/", _data(small_map, "restaurant", **EVENT, **VEHICLE))
    assert res.status_code == 302
    v = Venue.objects.get(name="Địa điểm thử")
    assert v.starts_at is None and v.ends_at is None and (v.plate, v.operator, v.route) == ("", "", "")


def test_an_event_keeps_its_window_and_drops_vehicle_fields(official, small_map):
    official.post("/venues/new/", _data(small_map, "wedding", **EVENT, **VEHICLE))
    v = Venue.objects.get(name="Địa điểm thử")
    assert v.starts_at is not None and v.plate == ""


def test_a_missing_field_of_the_kind_is_marked_on_that_field(official, small_map):
    html = official.post("/venues/new/", _data(small_map, "bus", **EVENT)).content.decode()
    assert not Venue.objects.exists()
    vehicle = html[html.index('data-kind-fields="vehicle"') :]
    assert "A vehicle needs its plate or number." in vehicle[: vehicle.index("</fieldset>")]
    # The form came back for a vehicle: the event fields are hidden, the vehicle ones shown.
    assert 'data-kind-fields="event" hidden' in html and 'data-kind-fields="vehicle">' in html


def test_the_blank_form_shows_both_groups_with_their_kind_and_types_say_their_kind(official):
    html = official.get("/venues/new/").content.decode()
    assert 'data-kind-fields="event">' in html and 'data-kind-fields="vehicle">' in html
    assert "Only for events" in html and "Only for vehicles" in html
    bus = VenueType.objects.get(code="bus").pk
    assert f'value="{bus}" data-kind="vehicle"' in html


def test_the_edit_form_shows_only_the_venues_kind(official, small_map, users):
    venue = venue_register(
        by=users["commune_a"],
        unit=small_map.commune_a,
        name="Quán Bún",
        venue_type=VenueType.objects.get(code="restaurant"),
        street="2 Lê Lợi",
    )
    html = official.get(f"/venues/{venue.code}/edit/").content.decode()
    assert 'data-kind-fields="event" hidden' in html and 'data-kind-fields="vehicle" hidden' in html


def test_the_service_drops_other_kinds_fields_for_the_api_too(small_map, users):
    venue = venue_register(
        by=users["commune_a"],
        unit=small_map.commune_a,
        name="Nhà hàng Ngon",
        venue_type=VenueType.objects.get(code="restaurant"),
        plate="43A-999.99",
    )
    venue.refresh_from_db()
    assert venue.plate == ""
