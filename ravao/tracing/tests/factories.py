"""Test helpers for tracing: people, visits, a small world with places, an event and trips."""

from datetime import UTC, datetime, timedelta

from ravao.checkins.models import Channel, CheckoutMethod, Visit
from ravao.core.crypto import lookup_hash
from ravao.people.identity import normalise_id_number, normalise_phone
from ravao.people.models import Person
from ravao.venues.models import Trip
from ravao.venues.testing import make_venue

BASE = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)  # 03:00 in Huế the next day: days cross midnight


def make_person(name: str, *, phone: str = "", id_number: str = "", unit=None, guardian=None) -> Person:
    p = normalise_phone(phone) if phone else ""
    i = normalise_id_number(id_number) if id_number else ""
    return Person.objects.create(
        full_name=name,
        phone=p or "",
        id_number=i or "",
        unit=unit,
        guardian=guardian,
        phone_hash=lookup_hash(p) if p else "",
        id_hash=lookup_hash(i) if i else "",
    )


def make_visit(person, venue, start: datetime, minutes: float | None = None, *, trip=None, companion_of=None) -> Visit:
    """A visit; without ``minutes`` it is checked out automatically after the venue's default stay."""
    auto = minutes is None
    end = start + timedelta(minutes=venue.default_stay_minutes if auto else minutes)
    return Visit.objects.create(
        person=person,
        venue=venue,
        trip=trip,
        checked_in_at=start,
        checked_out_at=end,
        checkout_method=CheckoutMethod.AUTO if auto else CheckoutMethod.BUTTON,
        channel=Channel.COMPANION if companion_of else Channel.SELF,
        companion_of=companion_of,
    )


def make_world(unit):
    """Three places, an event, a bus with two trips (and visits on it without a trip)."""
    places = [make_venue(unit, f"Quán {i}") for i in range(3)]
    event = make_venue(unit, "Đám cưới", type_code="wedding")
    bus = make_venue(unit, "Xe buýt 12", type_code="bus")
    trips = [
        Trip.objects.create(venue=bus, departs_at=BASE, arrives_at=BASE + timedelta(hours=1)),
        Trip.objects.create(venue=bus, departs_at=BASE + timedelta(hours=2), arrives_at=BASE + timedelta(hours=3)),
    ]
    # (venue, trip) pairs a generated visit can be at.
    spots = [(v, None) for v in places] + [(event, None), (bus, None), (bus, trips[0]), (bus, trips[1])]
    return spots
