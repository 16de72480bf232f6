"""The catalogue splits bar / karaoke / vũ trường and wholesale / local markets, names gyms
"Phòng tập thể dục, thể hình", moves colleges to the vocational system, gives ICT its types;
existing venues and targets move by name; imports find types by name or synonym."""

import pytest
from django.apps import apps as django_apps

from ravao.catalog.data import move_to_split_types, split_type
from ravao.catalog.lookup import TypeLookup
from ravao.catalog.models import VenueType
from ravao.oversight.models import TargetEstablishment
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db


def test_the_split_types_and_their_names():
    names = dict(VenueType.objects.values_list("code", "name_vi"))
    assert names["bar"] == "Quán bar, quán rượu" and names["karaoke"] == "Cơ sở karaoke"
    assert names["nightclub"] == "Vũ trường"
    assert names["market"] == "Chợ dân sinh" and names["wholesale_market"] == "Chợ đầu mối"
    assert names["gym"] == "Phòng tập thể dục, thể hình"
    sectors = dict(VenueType.objects.values_list("code", "sector__code"))
    assert sectors["college"] == "labour" and sectors["vocational_school"] == "labour"
    assert sectors["university"] == "education"
    ict = set(VenueType.objects.filter(sector__code="information").values_list("code", flat=True))
    assert {"post_office", "telecom_shop", "internet_shop"} <= ict


@pytest.mark.parametrize(
    "text,code",
    [
        ("Chợ dân sinh", "market"),
        ("Cho dan sinh", "market"),
        ("CHỢ ĐẦU MỐI", "wholesale_market"),
        ("Karaoke", "karaoke"),
        ("Vũ trường", "nightclub"),
        ("vu truong", "nightclub"),
        ("Phòng gym", "gym"),
        ("market", "market"),
        ("Restaurant, eatery", "restaurant"),
        ("Trường cao đẳng", "college"),
        ("Bưu điện", "post_office"),
        ("Quán bar, câu lạc bộ, karaoke", "bar"),  # the old catalogue's label
    ],
)
def test_types_are_found_by_name_synonym_or_code(text, code):
    assert TypeLookup().find(text).code == code


def test_nothing_is_found_for_an_unknown_word():
    assert TypeLookup().find("tàu vũ trụ") is None and TypeLookup().find("") is None


def test_existing_venues_and_targets_move_to_the_new_types_by_name(small_map):
    assert split_type("bar", "karaoke hoang gia") == "karaoke" and split_type("bar", "quan bar") is None
    bar = make_venue(small_map.commune_a, "Karaoke Hoàng Gia", "bar")
    disco = make_venue(small_map.commune_a, "Vũ trường New Star", "bar")
    pub = make_venue(small_map.commune_a, "Quán bar Sông Hương", "bar")
    wholesale = make_venue(small_map.commune_a, "Chợ đầu mối Phú Hậu", "market")
    college = make_venue(small_map.commune_a, "Trường Cao đẳng Công nghiệp Huế", "university")
    target = TargetEstablishment.objects.create(
        unit=small_map.commune_a, name="Karaoke Ánh Dương", venue_type=VenueType.objects.get(code="bar")
    )
    Venue = django_apps.get_model("venues", "Venue")
    assert move_to_split_types(Venue, VenueType) == 4
    assert move_to_split_types(TargetEstablishment, VenueType) == 1
    got = {v.pk: (v.venue_type.code, v.sector.code) for v in Venue.objects.select_related("venue_type", "sector")}
    assert got[bar.pk] == ("karaoke", "culture") and got[disco.pk][0] == "nightclub" and got[pub.pk][0] == "bar"
    assert got[wholesale.pk][0] == "wholesale_market" and got[college.pk] == ("college", "labour")
    target.refresh_from_db()
    assert target.venue_type.code == "karaoke"
