"""One person per identity, even when check-ins race (issue 14, finding 3): 8 concurrent
check-ins of one new ID number made up to 8 people, and a tracer then could not open a case
by that number. Through the real HTTP interface of a live server, on SQLite and PostgreSQL."""

import json
import threading
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ravao.checkins.models import Visit
from ravao.people.models import Person
from ravao.testing import ApiClient, Role, make_user
from ravao.venues import testing as venues_testing

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# SQLite takes one writer at a time (transactions BEGIN IMMEDIATE), so the race cannot happen
# there; the in-memory test database also refuses concurrent writers outright.
concurrent = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: concurrent writers")


def post_together(url: str, bodies: list[dict]) -> list[int]:
    """POST every body at once (a barrier releases the threads together); the status codes."""
    barrier = threading.Barrier(len(bodies))
    codes = [0] * len(bodies)

    def send(i, body):
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as res:
                codes[i] = res.status
        except urllib.error.HTTPError as e:
            codes[i] = e.code

    threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


@pytest.fixture
def venue(small_map):
    return venues_testing.make_venue(small_map.commune_a, "Quán Cơm Bà Lan", "restaurant")


def body(venue, **person):
    return {"venue": venue.code, "client_id": str(uuid.uuid4()), "person": {"birth_year": 1990, **person}}


@concurrent
def test_eight_concurrent_checkins_of_one_new_id_number_make_one_person(live_server, venue, small_map):
    url = f"{live_server.url}/api/v1/checkins"
    same = [body(venue, full_name="Phạm Văn Đồng", id_number="046090009999") for _ in range(8)]
    codes = post_together(url, same)
    assert all(code in (200, 201) for code in codes), codes
    assert Person.objects.count() == 1
    tracer = make_user("tracer1", Role.TRACER, small_map.province)
    start = timezone.now() - timedelta(days=1)
    res = ApiClient(tracer).post(
        "/cases",
        {
            "person": {"id_number": "046090009999"},
            "infectious_from": start.isoformat(),
            "infectious_to": (start + timedelta(days=2)).isoformat(),
        },
    )
    assert res.status_code == 201, res.json()


@concurrent
def test_eight_concurrent_checkins_by_phone_and_name_make_one_person(live_server, venue):
    url = f"{live_server.url}/api/v1/checkins"
    same = [body(venue, full_name="Lê Thị Hoa", phone="0935 246 810") for _ in range(8)]
    codes = post_together(url, same)
    assert all(code in (200, 201) for code in codes), codes
    assert Person.objects.count() == 1
    assert Visit.objects.count() >= 1


@concurrent
def test_a_family_sharing_a_phone_stays_several_people(live_server, venue):
    url = f"{live_server.url}/api/v1/checkins"
    codes = post_together(url, [body(venue, full_name=name, phone="0935 246 811") for name in ("Lê Văn A", "Lê Thị B")])
    assert sorted(codes) == [201, 201]
    assert Person.objects.count() == 2


def test_the_migration_merges_people_created_twice(small_map, venue):
    """Duplicates made before the constraints existed are merged into the oldest, with their
    visits and declarations, and the merge is audited."""
    executor = MigrationExecutor(connection)
    before = [("people", "0003_default_questionnaire")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state([n for n in latest if n[0] != "people"] + before).apps
        OldPerson = old.get_model("people", "Person")
        from ravao.core.crypto import lookup_hash

        twins = [
            OldPerson.objects.create(
                full_name="Đỗ Văn Hai",
                id_number="046090001111",
                id_hash=lookup_hash("046090001111"),
                birth_year=1990 if i == 1 else None,
            )
            for i in range(3)
        ]
        other = OldPerson.objects.create(
            full_name="Người Khác", id_number="046090002222", id_hash=lookup_hash("046090002222")
        )
        now = timezone.now()
        old.get_model("checkins", "Visit").objects.create(
            venue_id=venue.pk, person_id=twins[2].pk, channel="self", checked_in_at=now, checked_out_at=now
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    from ravao.audit.models import AuditEntry

    survivor = Person.objects.get(id_hash=lookup_hash("046090001111"))
    assert survivor.pk == twins[0].pk and survivor.birth_year == 1990  # blanks filled from the twins
    assert Person.objects.filter(pk=other.pk).exists() and Person.objects.count() == 2
    assert list(Visit.objects.values_list("person_id", flat=True)) == [survivor.pk]
    entry = AuditEntry.objects.get(object_type="person", object_id=str(survivor.pk))
    assert sorted(entry.detail["merged"]) == sorted(t.pk for t in twins[1:])
