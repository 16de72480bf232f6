"""Never double a check-in: the same client_id sent twice at the same moment (a gate retrying
while its first request is still running) makes one visit and two identical answers."""

import threading
import uuid

import pytest
from django.db import connection

from ravao.checkins.models import Visit
from ravao.checkins.services import checkin_scan
from ravao.checkins.tests.conftest import CCCD_7
from ravao.people.models import Person


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_racing_duplicate_makes_one_visit_and_the_same_answer(venue, staff):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the SQLite test database is in memory)")
    client_id, barrier, answers = uuid.uuid4(), threading.Barrier(2), []

    def send():
        from django.db import connections

        try:
            barrier.wait()
            answers.append(checkin_scan(user=staff, client_id=client_id, venue_code=venue.code, text=CCCD_7))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(result.replayed for result in answers) == [False, True]
    assert answers[0].answer == answers[1].answer
    assert Visit.objects.count() == 1 and Person.objects.count() == 1
