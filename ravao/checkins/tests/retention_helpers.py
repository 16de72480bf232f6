"""Small factories for the partition and retention tests."""

from datetime import timedelta

from ravao.checkins.models import Visit
from ravao.people.models import Person
from ravao.venues import testing as venues_testing
from ravao.venues.models import Venue


def make_venue(unit, type_code="restaurant") -> Venue:
    return venues_testing.make_venue(unit, "Quán thử", type_code)


def make_person(last_seen_at=None, phone_hash="") -> Person:
    person = Person.objects.create(full_name="Nguyễn Văn An", phone_hash=phone_hash)
    if last_seen_at is not None:
        Person.objects.filter(pk=person.pk).update(last_seen_at=last_seen_at, created_at=last_seen_at)
        person.refresh_from_db()
    return person


def make_visit(venue, person, at) -> Visit:
    return Visit.objects.create(
        venue=venue, person=person, checked_in_at=at, checked_out_at=at + timedelta(hours=1), channel="self"
    )
