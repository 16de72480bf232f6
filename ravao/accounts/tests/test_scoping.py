"""The scoping mechanism itself, on the models the foundation defines (every feature's list,
detail and export tests check it again through their own pages and endpoints)."""

import pytest
from django.utils import timezone

from ravao.catalog.models import Sector
from ravao.checkins.models import Visit
from ravao.people.models import Person
from ravao.venues.models import Venue, VenueMembership
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db


def venue(unit, type_code, name):
    return make_venue(unit, name, type_code)


@pytest.fixture
def venues(small_map):
    m = small_map
    return {
        "a_hospital": venue(m.commune_a, "hospital", "Bệnh viện A"),
        "a_school": venue(m.commune_a, "school", "Trường A"),
        "b_market": venue(m.commune_b, "market", "Chợ B"),
        "c_hospital": venue(m.commune_c, "hospital", "Bệnh viện C"),
        "legacy_a1": venue(m.legacy_commune_a1, "school", "Trường huyện A"),
        "legacy_b1": venue(m.legacy_commune_b1, "market", "Chợ huyện B"),
    }


def names(qs):
    return sorted(v.name for v in qs)


def test_sibling_commune_officials_see_only_their_own_venues(users, venues):
    assert names(Venue.objects.restrict(users["commune_a"])) == ["Bệnh viện A", "Trường A"]
    assert names(Venue.objects.restrict(users["commune_b"])) == ["Chợ B"]


def test_sibling_district_officials_see_only_their_own_venues(users, venues):
    assert names(Venue.objects.restrict(users["district_a"])) == ["Trường huyện A"]
    assert names(Venue.objects.restrict(users["district_b"])) == ["Chợ huyện B"]


def test_a_province_official_sees_the_whole_province_and_nothing_else(users, venues):
    assert names(Venue.objects.restrict(users["province"])) == ["Bệnh viện A", "Chợ B", "Trường A"]
    assert names(Venue.objects.restrict(users["other_province"])) == ["Bệnh viện C"]


def test_sector_officials_see_only_their_sector_within_their_unit(users, venues):
    assert names(Venue.objects.restrict(users["health"])) == ["Bệnh viện A"]
    assert names(Venue.objects.restrict(users["education"])) == ["Trường A"]


def test_a_national_admin_sees_everything(users, venues):
    assert Venue.objects.restrict(users["national"]).count() == len(venues)


def test_venue_staff_see_only_the_venues_they_work_at(users, venues):
    assert Venue.objects.restrict(users["staff"]).count() == 0
    VenueMembership.objects.create(user=users["staff"], venue=venues["b_market"])
    VenueMembership.objects.create(user=users["manager"], venue=venues["a_school"], active=False)
    assert names(Venue.objects.restrict(users["staff"])) == ["Chợ B"]
    assert Venue.objects.restrict(users["manager"]).count() == 0


def test_anonymous_and_inactive_users_see_nothing(users, venues):
    from django.contrib.auth.models import AnonymousUser

    assert Venue.objects.restrict(AnonymousUser()).count() == 0
    assert Venue.objects.restrict(None).count() == 0
    users["province"].is_active = False
    assert Venue.objects.restrict(users["province"]).count() == 0


def test_visits_follow_their_venue(users, venues):
    now = timezone.now()
    person = Person.objects.create(full_name="Nguyễn Văn A")
    for v in venues.values():
        Visit.objects.create(venue=v, person=person, checked_in_at=now, checked_out_at=now, channel="self")
    assert Visit.objects.restrict(users["commune_b"]).count() == 1
    assert Visit.objects.restrict(users["health"]).count() == 1
    assert Visit.objects.restrict(users["district_a"]).count() == 1


def test_a_sector_official_without_a_sector_sees_nothing(users, venues):
    user = users["health"]
    user.sector = None
    assert Venue.objects.restrict(user).count() == 0
    assert Sector.objects.count() >= 7
