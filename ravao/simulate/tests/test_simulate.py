"""`ravao simulate`: valid, reproducible synthetic data on both databases."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Max

from ravao.checkins import partitions
from ravao.checkins.models import Visit
from ravao.people.identity import normalise_id_number, normalise_phone
from ravao.people.models import Person
from ravao.venues.models import Trip, Venue

START = date(2026, 3, 2)
DAYS = 2


def simulate(seed=5, **extra):
    out = StringIO()
    options = {
        "unit": "46",
        "seed": seed,
        "venues": 60,
        "people": 400,
        "days": DAYS,
        "checkins_per_day": 500,
        "start": START,
        **extra,
    }
    call_command("simulate", stdout=out, **options)
    return out.getvalue()


def fingerprint():
    venues = sorted(Venue.objects.values_list("code", "name", "unit__code", "venue_type__code", "starts_at"))
    people = sorted(
        Person.objects.values_list("phone_hash", "id_hash", "unit__code", "birth_year", "sex", "last_seen_at")
    )
    visits = sorted(
        (v.venue.code, v.person.phone_hash, v.checked_in_at, v.checked_out_at, v.checkout_method, v.channel, v.status)
        for v in Visit.objects.select_related("venue", "person")
    )
    return venues, people, visits


def wipe():
    from django.apps import apps

    Visit.objects.all().delete()
    Target = apps.get_model("oversight", "TargetEstablishment")
    Target.objects.all().delete()
    Trip.objects.all().delete()
    Venue.objects.all().delete()
    Person.objects.all().delete()


def test_it_writes_checkins_that_point_at_existing_venues_and_people(small_map):
    line = simulate()
    assert "Simulated 60 venues" in line
    assert Visit.objects.count() == DAYS * 500
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM checkins_visit v LEFT JOIN venues_venue x ON x.id = v.venue_id WHERE x.id IS NULL"
        )
        assert cur.fetchone()[0] == 0
        cur.execute(
            "SELECT count(*) FROM checkins_visit v LEFT JOIN people_person x ON x.id = v.person_id WHERE x.id IS NULL"
        )
        assert cur.fetchone()[0] == 0
        cur.execute(
            "SELECT count(*) FROM checkins_visit v LEFT JOIN venues_entrance e ON e.id = v.entrance_id "
            "WHERE e.id IS NULL OR e.venue_id <> v.venue_id"
        )
        assert cur.fetchone()[0] == 0
        cur.execute(
            "SELECT count(*) FROM checkins_visit v JOIN venues_trip t ON t.id = v.trip_id "
            "WHERE t.venue_id <> v.venue_id"
        )
        assert cur.fetchone()[0] == 0
    # Every venue and person lives in a commune of the simulated province.
    assert not Venue.objects.exclude(unit__path__startswith=small_map.province.path).exists()
    assert not Person.objects.exclude(unit__path__startswith=small_map.province.path).exists()


def test_it_keeps_times_inside_the_simulated_days(small_map):
    simulate()
    tz = ZoneInfo(settings.TIME_ZONE)
    first = datetime(START.year, START.month, START.day, tzinfo=tz)
    last = first + timedelta(days=DAYS)
    assert not Visit.objects.filter(checked_in_at__lt=first).exists()
    assert not Visit.objects.filter(checked_in_at__gte=last).exists()
    assert all(v.checked_out_at > v.checked_in_at for v in Visit.objects.all())
    # Vehicles: passengers board before departure and leave at arrival, on their own trip.
    for visit in Visit.objects.filter(trip__isnull=False).select_related("trip")[:200]:
        assert visit.checked_in_at <= visit.trip.departs_at
        assert visit.checked_out_at <= visit.trip.arrives_at + timedelta(seconds=1)
    # Some check-outs are missing: the automatic one stands, at the venue's default stay.
    auto = Visit.objects.filter(checkout_method="auto", trip__isnull=True).select_related("venue")[:100]
    assert auto
    for visit in auto:
        assert visit.checked_out_at - visit.checked_in_at == timedelta(minutes=visit.venue.default_stay_minutes)


def test_it_gives_the_same_data_for_the_same_seed(small_map):
    simulate(seed=11)
    first = fingerprint()
    wipe()
    simulate(seed=11)
    assert fingerprint() == first
    wipe()
    simulate(seed=12)
    assert fingerprint() != first


def test_it_writes_people_with_unique_valid_hashes_and_their_last_check_in(small_map):
    simulate()
    people = list(Person.objects.all())
    assert len({p.phone_hash for p in people}) == len(people)
    assert len({p.id_hash for p in people}) == len(people)
    for person in people[:50]:
        # Encrypted fields decrypt to numbers that the check-in path would accept and hash
        # to the stored keyed hashes.
        assert normalise_phone(person.phone) == person.phone
        assert normalise_id_number(person.id_number) == person.id_number
        from ravao.people.identity import id_hash, phone_hash

        assert phone_hash(person.phone) == person.phone_hash
        assert id_hash(person.id_number) == person.id_hash
        assert person.full_name
    last = dict(Visit.objects.values("person_id").annotate(m=Max("checked_in_at")).values_list("person_id", "m"))
    for person in people:
        if person.id in last:
            assert person.last_seen_at == last[person.id]


def test_it_fills_target_establishments_some_registered(small_map):
    from django.apps import apps

    simulate()
    Target = apps.get_model("oversight", "TargetEstablishment")
    assert Target.objects.filter(venue__isnull=False, status="registered").exists()
    assert Target.objects.filter(venue__isnull=True).exclude(status="registered").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only")
def test_it_creates_the_daily_partitions_it_needs(small_map):
    simulate()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM checkins_visit_default")
        assert cur.fetchone()[0] == 0
    days = partitions.existing_partitions()
    for d in range(DAYS):
        assert START + timedelta(days=d) in days


def test_it_refuses_an_unknown_unit(small_map):
    with pytest.raises(CommandError):
        simulate(unit="99999")


def test_it_writes_declarations_a_small_share_yellow_or_red(small_map):
    from ravao.people.models import Declaration

    simulate(people=1500, checkins_per_day=3000)
    total = Declaration.objects.count()
    assert total > 500
    flagged = Declaration.objects.filter(status__in=["yellow", "red"]).count()
    assert 0 < flagged < total * 0.15
    red = Declaration.objects.filter(status="red").first()
    assert red is not None and "contact_case" in red.answers
    # A person's visits carry the colour of their declarations.
    person = red.person_id
    assert set(Visit.objects.filter(person_id=person).values_list("status", flat=True)) == {"red"}


def test_the_demo_step_simulates_the_demo_province_once(small_map):
    from ravao.simulate import demo

    out = StringIO()
    line = demo.demo(province=small_map.province, users={}, stdout=out)
    assert line.startswith("Simulated 400 venues")
    visits = Visit.objects.count()
    assert visits > 10_000
    assert "skipped" in demo.demo(province=small_map.province, users={}, stdout=out)
    assert Visit.objects.count() == visits
    # Every venue type is represented, and the week ends now (nothing in the future).
    from django.utils import timezone

    from ravao.catalog.models import VenueType

    assert Venue.objects.values("venue_type").distinct().count() == VenueType.objects.count()
    assert not Visit.objects.filter(checked_in_at__gt=timezone.now()).exists()


def test_every_department_has_venues_of_its_own(small_map):
    """ICT and labour have venue types (post offices, telecom points, colleges…), so their
    dashboards show real figures instead of an empty, always-lagging sector (issue 17)."""
    simulate(venues=1000, people=200, checkins_per_day=50)
    sectors = set(Venue.objects.values_list("sector__code", flat=True))
    assert {"information", "labour", "industrial", "transport", "health", "education"} <= sectors
