"""F2 by pages: the SQL path against the Python engine (PostgreSQL), the API's and the page's
paging, counts and audit, and exports that hold every contact however they are batched."""

import csv
import io
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from ravao.audit.models import AuditEntry
from ravao.testing import ApiClient
from ravao.tracing import second_degree as second
from ravao.tracing.contacts import trace
from ravao.tracing.models import Case
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture
def crowd(small_map):
    """A case, two F1 people, and 30 people meeting them afterwards at random (F2)."""
    spots = make_world(small_map.commune_a)
    (cafe, _), (shop, _), (bar, _), *_ = spots
    case = make_person("Ca", phone="0912345678", unit=small_map.commune_a)
    f1 = [make_person(f"Gần {i}", phone=f"098765432{i}") for i in range(2)]
    make_visit(case, cafe, BASE, 60)
    for p in f1:
        make_visit(p, cafe, BASE, 60)
    rng = random.Random(7)
    others = [make_person(f"Khách {i:02d}", phone=f"09110000{i:02d}") for i in range(30)]
    for i in range(6):  # never the café again: only the case's visit there
        venue, trip = spots[1 + i]
        make_visit(f1[i % 2], venue, BASE + (2 + 3 * i) * H, 90, trip=trip)
    for p in others:
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(6)
            venue, trip = spots[1 + i]
            make_visit(
                p,
                venue,
                BASE + (2 + 3 * i) * H + rng.randrange(-120, 90) * M,
                rng.choice([15, 30, 60, None]),
                trip=trip,
            )
    cafe_case = Case.objects.create(
        person=case, unit=small_map.commune_a, infectious_from=BASE - 24 * H, infectious_to=BASE + 24 * H
    )
    return {"case": case, "f1": f1, "others": others, "cafe_case": cafe_case, "spots": spots}


def summary(contacts):
    return [
        (
            c.person_id,
            c.total_overlap_minutes,
            c.first_exposure_at,
            sorted((e.source.id, e.visit.id, e.overlap_minutes) for e in c.exposures),
        )
        for c in contacts
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's")
@pytest.mark.parametrize(
    "filters",
    [
        second.Filters(),
        second.Filters(min_overlap_minutes=20),
        second.Filters(venue_type="restaurant"),
        second.Filters(kind="trip"),
        second.Filters(kind="event", min_overlap_minutes=5),
    ],
)
def test_the_sql_path_pages_like_the_python_engine(crowd, filters):
    case = crowd["case"]
    f1 = {c.person_id: c for c in trace(person_id=case.pk, window_from=BASE - 24 * H, window_to=BASE + 24 * H).contacts}
    everything = second.page(case_person_id=case.pk, f1=f1, buffer_minutes=60, filters=filters, sql=False)
    assert everything.all_count > 10  # a real second hop
    for offset, limit in [(0, 5), (5, 5), (3, 7), (everything.count - 1, 5), (everything.count + 3, 5), (0, None)]:
        python = second.page(
            case_person_id=case.pk, f1=f1, buffer_minutes=60, filters=filters, offset=offset, limit=limit, sql=False
        )
        sql = second.page(
            case_person_id=case.pk, f1=f1, buffer_minutes=60, filters=filters, offset=offset, limit=limit, sql=True
        )
        assert (sql.count, sql.all_count) == (python.count, python.all_count)
        assert summary(sql.contacts) == summary(python.contacts)
    streamed = second.stream(case_person_id=case.pk, f1=f1, buffer_minutes=60, filters=filters, sql=True)
    assert summary(streamed) == summary(everything.contacts)


def test_the_api_pages_f2_and_counts_it(crowd, users):
    client = ApiClient(users["tracer"])
    case_id = crowd["cafe_case"].pk
    full = trace(person_id=crowd["case"].pk, window_from=BASE - 24 * H, window_to=BASE + 24 * H, degree=2).contacts
    f2_ids = [c.person_id for c in full if c.degree == 2]
    assert len(f2_ids) > 10
    first = client.get(f"/cases/{case_id}/contacts", degree=2, f2_limit=4).json()
    assert [c["degree"] for c in first["contacts"]] == [1, 1, 2, 2, 2, 2]
    assert [c["person"]["id"] for c in first["contacts"][2:]] == f2_ids[:4]
    assert {k: v for k, v in first["counts"].items() if k != "evidence"} == {
        "f1": 2,
        "f2": len(f2_ids),
        "before_filters": len(full),
    }
    assert first["f2_page"] == {"offset": 0, "limit": 4, "count": len(f2_ids), "next_offset": 4}
    assert all(c["via_person_ids"] for c in first["contacts"][2:])
    pages, offset = [], 0
    while offset is not None:  # the next pages, without F1
        body = client.get(f"/cases/{case_id}/contacts", degree=2, f2_limit=4, f2_offset=offset, f1=False).json()
        assert all(c["degree"] == 2 for c in body["contacts"])
        pages += [c["person"]["id"] for c in body["contacts"]]
        offset = body["f2_page"]["next_offset"]
    assert pages == f2_ids
    # Every call audited, counting the contacts it returned.
    entries = AuditEntry.objects.filter(object_type="case_contacts", case_id=case_id).order_by("id")
    assert [e.detail["contacts"] for e in entries][:2] == [6, 4]
    assert entries[1].detail["f2_offset"] == 0 and entries.count() == 1 + -(-len(f2_ids) // 4)
    # F1 unchanged: every F1 contact, no F2 fields.
    f1_only = client.get(f"/cases/{case_id}/contacts").json()
    assert len(f1_only["contacts"]) == 2 and "f2_page" not in f1_only and f1_only["counts"]["f2"] is None
    assert client.get(f"/cases/{case_id}/contacts", degree=2, f2_limit=1001).status_code == 422


def test_the_page_shows_f2_by_pages_with_its_total(crowd, users, settings):
    from ravao.tracing import views

    client = Client()
    client.force_login(users["tracer"])
    case = crowd["cafe_case"]
    full = trace(person_id=crowd["case"].pk, window_from=BASE - 24 * H, window_to=BASE + 24 * H, degree=2).contacts
    n2 = sum(1 for c in full if c.degree == 2)
    per_page = views.CONTACTS_PER_PAGE
    views.CONTACTS_PER_PAGE = 5
    try:
        first = client.get(f"/tracing/cases/{case.pk}/contacts/", {"degree": 2}).content.decode()
        last = client.get(f"/tracing/cases/{case.pk}/contacts/", {"degree": 2, "f2_page": 99}).content.decode()
    finally:
        views.CONTACTS_PER_PAGE = per_page
    f2_part = first[first.index('id="contacts-f2"') :]
    assert f2_part.count('class="contact"') == 5 and "f2_page=2" in f2_part
    assert f"F2: {n2}" in first
    pages = -(-n2 // 5)
    assert f"{pages} / {pages}" in last  # past the end: the last page
    assert last[last.index('id="contacts-f2"') :].count('class="contact"') == n2 - 5 * (pages - 1)


def test_exports_hold_every_contact_in_rank_order_whatever_the_batches(crowd, users):
    from ravao.tracing import exports

    case = crowd["cafe_case"]
    full = trace(person_id=crowd["case"].pk, window_from=BASE - 24 * H, window_to=BASE + 24 * H, degree=2).contacts
    for batch_size in (3, 1000):
        out, _type, _name = exports.export_case(
            user=users["tracer"], case=case, fmt="csv", degree=2, batch_size=batch_size
        )
        rows = list(csv.reader(io.StringIO(out.read().decode("utf-8-sig"))))[1:]
        assert [int(r[0]) for r in rows] == list(range(1, len(full) + 1))
        assert [(int(r[1]), int(r[6])) for r in rows] == [(c.degree, c.total_overlap_minutes) for c in full]
    entries = AuditEntry.objects.filter(action="export", case_id=case.pk)
    assert [e.detail["contacts"] for e in entries] == [len(full), len(full)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notifications_reach_every_f2_contact_each_row_committed_as_it_goes(crowd, users):
    """Outside any transaction (as in production): the F2 stream is a held cursor, and each
    notification row is written (committed) before its message."""
    from ravao.core.sms import ConsoleSMSBackend
    from ravao.tracing.models import Notification

    ConsoleSMSBackend.outbox.clear()
    full = trace(person_id=crowd["case"].pk, window_from=BASE - 24 * H, window_to=BASE + 24 * H, degree=2).contacts
    counts = ApiClient(users["tracer"]).post(f"/cases/{crowd['cafe_case'].pk}/notify", {"degree": 2}).json()
    assert counts == {"sent": len(full), "already": 0, "unreachable": 0}
    assert Notification.objects.filter(case=crowd["cafe_case"]).count() == len(ConsoleSMSBackend.outbox) == len(full)
