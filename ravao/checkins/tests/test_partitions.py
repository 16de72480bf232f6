"""Daily partitions of the visit table (PostgreSQL): created ahead, rows moved out of DEFAULT."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ravao.checkins import partitions
from ravao.checkins.tests.retention_helpers import make_person, make_venue, make_visit

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps a plain visit table")


def where(visit_id: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM checkins_visit WHERE id = %s", [visit_id])
        return cur.fetchone()[0]


@pytest.mark.django_db
def test_it_creates_partitions_ahead_with_the_command():
    far = timezone.now().date() + timedelta(days=12)
    assert far not in partitions.existing_partitions()
    out = StringIO()
    call_command("partitions", ahead=12, stdout=out)
    assert far in partitions.existing_partitions()
    assert "daily partitions" in out.getvalue()
    out = StringIO()
    call_command("partitions", ahead=12, stdout=out)
    assert out.getvalue().startswith("0 partitions created")


@pytest.mark.django_db
def test_migrate_created_the_partitions_of_the_retention_window():
    today = timezone.now().date()
    days = partitions.existing_partitions()
    assert today in days and today + timedelta(days=7) in days and today - timedelta(days=30) in days


@pytest.mark.django_db
def test_it_moves_rows_out_of_default_when_their_partition_is_created(small_map):
    day = date(2031, 5, 4)
    venue, person = make_venue(small_map.commune_a), make_person()
    at = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)
    visit = make_visit(venue, person, at)
    other = make_visit(venue, person, at + timedelta(days=1))  # stays in DEFAULT
    assert where(visit.id) == "checkins_visit_default"
    created = partitions.ensure_partitions(day, day)
    assert created == ["checkins_visit_p20310504"]
    assert where(visit.id) == "checkins_visit_p20310504"
    assert where(other.id) == "checkins_visit_default"
    from ravao.checkins.models import Visit

    moved = Visit.objects.get(id=visit.id)
    assert (moved.checked_in_at, moved.person_id, moved.venue_id) == (at, person.id, venue.id)
    assert Visit.objects.count() == 2


@pytest.mark.django_db
def test_it_drops_whole_partitions_before_a_day(small_map):
    venue, person = make_venue(small_map.commune_a), make_person()
    partitions.ensure_partitions(date(2031, 1, 1), date(2031, 1, 3))
    for d in (1, 2, 3):
        make_visit(venue, person, datetime(2031, 1, d, 9, tzinfo=UTC))
    dropped = partitions.drop_partitions_before(date(2031, 1, 3))
    assert dropped[-2:] == ["checkins_visit_p20310101", "checkins_visit_p20310102"]
    assert all(name < "checkins_visit_p20310103" for name in dropped)
    assert date(2031, 1, 3) in partitions.existing_partitions()
    from ravao.checkins.models import Visit

    assert list(Visit.objects.filter(checked_in_at__year=2031).values_list("checked_in_at__day", flat=True)) == [3]
