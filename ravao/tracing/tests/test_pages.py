"""Tracer pages: opening a case, the case page, contacts (audited), marks, notify, windows, public page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ravao.audit.models import AuditEntry
from ravao.core.sms import ConsoleSMSBackend
from ravao.testing import Role, make_user
from ravao.tracing.models import Case, ContactTrace, ExposureWindow, Notification
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world

H = timedelta(hours=1)


@pytest.fixture
def scene(small_map, users):
    spots = make_world(small_map.commune_a)
    cafe = spots[0][0]
    ca = make_person("Nguyễn Văn Ca", phone="0912345678", unit=small_map.commune_a)
    near = make_person("Trần Thị Gần", phone="0987654321")
    make_visit(ca, cafe, BASE, 60)
    make_visit(near, cafe, BASE + 0.5 * H, 60)
    client = Client()
    client.force_login(users["tracer"])
    return {"client": client, "cafe": cafe, "ca": ca, "near": near}


def open_case(scene):
    r = scene["client"].post("/tracing/", {"phone": "0912345678", "symptom_onset": (BASE + 24 * H).date().isoformat()})
    assert r.status_code == 302, r.content[:500]
    return Case.objects.get()


def test_it_opens_a_case_with_the_default_window_and_shows_its_visits(scene):
    case = open_case(scene)
    onset_midnight = timezone.make_aware(
        timezone.datetime.combine((BASE + 24 * H).date(), timezone.datetime.min.time())
    )
    assert case.infectious_from == onset_midnight - timedelta(days=2)
    r = scene["client"].get(f"/tracing/cases/{case.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert scene["cafe"].code in body and 'id="venues-to-alert"' in body
    # Timeline bars: CSS numbers, never localised ("2,5%" would be dropped by the browser).
    assert re.search(r'class="tl-bar tl-place" data-left="[\d.]+" data-width="[\d.]+"', body)


def test_it_shows_an_error_for_an_unknown_phone(scene):
    r = scene["client"].post("/tracing/", {"phone": "0900000000"}, follow=True)
    assert r.status_code == 200 and not Case.objects.exists()
    assert len(list(r.context["messages"])) == 1


def test_it_lists_contacts_with_details_and_audits_each_view(scene):
    case = open_case(scene)
    r = scene["client"].get(f"/tracing/cases/{case.pk}/contacts/", {"min_overlap_minutes": 10})
    assert "Trần Thị Gần" in r.content.decode()
    r = scene["client"].get(f"/tracing/cases/{case.pk}/contacts/", {"min_overlap_minutes": 31})
    assert "Trần Thị Gần" not in r.content.decode()
    entries = AuditEntry.objects.filter(object_type="case_contacts", case_id=case.pk)
    assert entries.count() == 2 and all(e.purpose for e in entries)


def test_it_marks_a_contact_and_keeps_the_filters(scene):
    case = open_case(scene)
    url = f"/tracing/cases/{case.pk}/contacts/{scene['near'].id}/mark/"
    r = scene["client"].post(url, {"reached": "1", "tested": "1", "query": "degree=2"})
    assert r.status_code == 302 and r["Location"].endswith("?degree=2")
    t = ContactTrace.objects.get()
    assert t.reached_at and t.tested_at and not t.isolated_at


def test_it_answers_404_to_a_tracer_of_another_province(scene, small_map):
    case = open_case(scene)
    other = Client()
    other.force_login(make_user("tracer_dn", Role.TRACER, small_map.other_province))
    for path in ("", "contacts/", "export.csv"):
        assert other.get(f"/tracing/cases/{case.pk}/{path}").status_code == 404
    assert not AuditEntry.objects.filter(username="tracer_dn").exists()


def test_it_refuses_the_tracer_pages_to_other_roles(scene, users):
    client = Client()
    client.force_login(users["province"])
    assert client.get("/tracing/").status_code == 403


def test_it_publishes_a_window_shown_on_the_public_page_and_feed_without_personal_data(scene):
    case = open_case(scene)
    r = scene["client"].post(
        "/tracing/windows/",
        {
            "venue": scene["cafe"].code,
            "case": case.pk,
            "message": "Theo dõi sức khỏe",
            "from": timezone.localtime(timezone.now() - H).strftime("%Y-%m-%dT%H:%M"),
            "to": timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302 and ExposureWindow.objects.count() == 1
    public = Client().get("/tracing/exposures/").content.decode()
    assert scene["cafe"].name in public and 'id="exposure-warning"' in public
    feed = Client().get("/api/v1/exposure-windows").json()["windows"]
    assert [w["venue"] for w in feed] == [scene["cafe"].code]
    text = str(feed)
    assert "Nguyễn" not in text and "0912" not in text and "case" not in feed[0]


def test_it_keeps_old_and_withdrawn_windows_out_of_the_feed(scene, users):
    now = timezone.now()
    ExposureWindow.objects.create(venue=scene["cafe"], starts_at=now - 40 * 24 * H, ends_at=now - 39 * 24 * H)
    w = ExposureWindow.objects.create(venue=scene["cafe"], starts_at=now - H, ends_at=now)
    assert len(Client().get("/api/v1/exposure-windows").json()["windows"]) == 1
    scene["client"].post("/tracing/windows/", {"withdraw": w.pk})
    assert Client().get("/api/v1/exposure-windows").json()["windows"] == []


def test_it_notifies_from_the_page(scene):
    case = open_case(scene)
    # The case's window from the onset default excludes BASE; widen it to cover the visits.
    case.infectious_from = BASE - 24 * H
    case.save()
    ConsoleSMSBackend.outbox.clear()
    # First the preview: the message, how many get it; nothing sent, nothing written.
    r = scene["client"].post(f"/tracing/cases/{case.pk}/notify/?degree=1")
    html = r.content.decode()
    assert r.status_code == 200 and 'name="confirmed" value="1"' in html
    assert "Gửi 1 tin nhắn" in html and scene["cafe"].name in html and "Ravao" in html
    assert not ConsoleSMSBackend.outbox and not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="notify", case_id=case.pk).exists()
    assert f'action="/tracing/cases/{case.pk}/notify/?degree=1"' in html  # the list's filters kept
    # Then the confirmation sends.
    r = scene["client"].post(f"/tracing/cases/{case.pk}/notify/?degree=1", {"confirmed": "1"}, follow=True)
    assert r.status_code == 200 and len(ConsoleSMSBackend.outbox) == 1
    assert AuditEntry.objects.filter(action="notify", case_id=case.pk).exists()
    # Nobody left to notify: no confirmation page, a message instead.
    r = scene["client"].post(f"/tracing/cases/{case.pk}/notify/?degree=1", follow=True)
    assert "Không còn ai để báo" in r.content.decode() and len(ConsoleSMSBackend.outbox) == 1


def test_it_serves_the_contact_page_in_a_bounded_number_of_queries(scene, django_assert_max_num_queries):
    case = open_case(scene)
    case.infectious_from = BASE - 24 * H
    case.save()
    for i in range(15):
        make_visit(
            make_person(f"Khách {i}", phone=f"09120000{i:02d}"), scene["cafe"], BASE + i * timedelta(minutes=3), 30
        )
    # Includes the evidence lookup (unproven claims among the page's visits: one query) and the
    # session's second-factor device (django-otp): 21 on PostgreSQL, 19 on SQLite.
    from ravao.tracing.contacts import max_stay

    max_stay()  # the longest stay is memoised for minutes: warm, as in a running server
    with django_assert_max_num_queries(21):
        r = scene["client"].get(f"/tracing/cases/{case.pk}/contacts/", {"degree": 2})
    assert r.content.decode().count('class="contact"') == 16


def test_it_pages_long_contact_lists_and_shortens_long_exposure_lists(scene):
    case = open_case(scene)
    case.infectious_from = BASE - 24 * H
    case.save()
    for i in range(6):  # the case and "near" meet six more times: seven exposures in all
        make_visit(scene["ca"], scene["cafe"], BASE + (i + 2) * 3 * H, 60)
        make_visit(scene["near"], scene["cafe"], BASE + (i + 2) * 3 * H, 60)
    for i in range(55):
        make_visit(make_person(f"Khách {i}"), scene["cafe"], BASE + timedelta(minutes=i % 30), 10)
    first = scene["client"].get(f"/tracing/cases/{case.pk}/contacts/", {"degree": 1}).content.decode()
    assert first.count('class="contact"') == 50 and "page=2" in first
    assert first.index("Trần Thị Gần") < first.index("Khách")  # ranked first: most overlap
    assert "2 more exposures" in first or "2 lần tiếp xúc khác" in first
    second = scene["client"].get(f"/tracing/cases/{case.pk}/contacts/", {"degree": 1, "page": 2}).content.decode()
    assert second.count('class="contact"') == 6
