"""Regressions of the tracing review: jurisdiction of the case's person and of the contacts,
audited case reads, no open redirect, shared phones, follow-up of contacts only, idempotent
retries, and the retention helper. Two provinces: Huế (small_map.province) and Đà Nẵng."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from ravao.audit.models import AuditEntry
from ravao.testing import ApiClient, Role, make_user
from ravao.tracing.imports import case_import
from ravao.tracing.models import Case, CaseStatus, ContactTrace, ExposureWindow, Notification
from ravao.tracing.retention import purge_cases
from ravao.tracing.tests.factories import BASE, make_person, make_visit
from ravao.venues.testing import make_venue

H = timedelta(hours=1)
WINDOW = {"infectious_from": (BASE - 24 * H).isoformat(), "infectious_to": (BASE + 24 * H).isoformat()}


@pytest.fixture
def two_provinces(small_map, users):
    """A Đà Nẵng resident who only went to a Đà Nẵng café, with a Đà Nẵng contact there; a Huế
    resident who went to the same Đà Nẵng café and to a Huế café, with a contact at each."""
    m = small_map
    hue_cafe, dn_cafe = make_venue(m.commune_a, "Quán Huế"), make_venue(m.commune_c, "Quán Đà Nẵng")
    dn_case = make_person("Phan Văn Đà", phone="0905000001", unit=m.commune_c)
    dn_contact = make_person("Hồ Thị Nẵng", phone="0905000002", unit=m.commune_c)
    make_visit(dn_case, dn_cafe, BASE - 10 * H, 60)
    make_visit(dn_contact, dn_cafe, BASE - 10 * H, 45)
    hue_case = make_person("Nguyễn Văn Huế", phone="0912345678", unit=m.commune_a)
    hue_contact = make_person("Trần Thị Gần", phone="0987654321", unit=m.commune_a)
    traveller_contact = make_person("Lê Văn Khách", phone="0905000003", unit=m.commune_c)
    make_visit(hue_case, hue_cafe, BASE, 60)
    make_visit(hue_contact, hue_cafe, BASE + 0.5 * H, 60)
    make_visit(hue_case, dn_cafe, BASE + 5 * H, 60)
    make_visit(traveller_contact, dn_cafe, BASE + 5 * H, 30)
    dn_tracer = make_user("tracer_dn", Role.TRACER, m.other_province)
    return {
        "hue_cafe": hue_cafe,
        "dn_cafe": dn_cafe,
        "dn_case": dn_case,
        "dn_contact": dn_contact,
        "hue_case": hue_case,
        "hue_contact": hue_contact,
        "traveller_contact": traveller_contact,
        "dn_tracer": dn_tracer,
    }


def open_case(client, **body):
    return client.post("/cases", {**WINDOW, **body})


# --- 1. Jurisdiction ---------------------------------------------------------------------------


def test_it_refuses_a_case_for_someone_who_neither_lives_nor_went_in_the_tracers_province(two_provinces, users):
    r = open_case(ApiClient(users["tracer"]), person={"phone": "0905000001"})
    unknown = open_case(ApiClient(users["tracer"]), person={"phone": "0900000000"})
    assert r.status_code == 404 and r.json()["detail"] == unknown.json()["detail"]
    assert not Case.objects.exists()
    # Its own province's tracer may.
    r = open_case(ApiClient(two_provinces["dn_tracer"]), person={"phone": "0905000001"})
    assert r.status_code == 201 and r.json()["unit"] == "20194"


def test_it_lets_a_tracer_open_a_case_for_a_visitor_to_their_province(two_provinces, users, small_map):
    # A Đà Nẵng resident who visited a Huế venue: Huế's tracer may open the case (under Huế).
    make_visit(two_provinces["dn_case"], two_provinces["hue_cafe"], BASE - 20 * H, 30)
    r = open_case(ApiClient(users["tracer"]), person={"phone": "0905000001"})
    assert r.status_code == 201, r.json()
    assert r.json()["unit"] == "46"  # the tracer's unit: the person's is outside their area


def test_it_audits_contacts_outside_the_jurisdiction_under_their_venues_unit(two_provinces, users, small_map):
    client = ApiClient(users["tracer"])
    case_id = open_case(client, person={"phone": "0912345678"}).json()["id"]
    assert Case.objects.get(pk=case_id).unit == small_map.commune_a
    r = client.get(f"/cases/{case_id}/contacts")
    names = {c["person"]["full_name"] for c in r.json()["contacts"]}
    assert names == {"Trần Thị Gần", "Lê Văn Khách"}  # listed wherever they were
    entries = AuditEntry.objects.filter(object_type="case_contacts", case_id=case_id)
    assert {e.unit_id for e in entries} == {small_map.commune_a.pk, small_map.commune_c.pk}
    foreign = entries.get(unit=small_map.commune_c)
    assert foreign.detail["person_ids"] == [two_provinces["traveller_contact"].pk]
    assert "outside jurisdiction" in foreign.purpose and foreign.username == "tracer"
    # A national tracer has no "outside": one entry.
    national = make_user("tracer_nat", Role.TRACER)
    ApiClient(national).get(f"/cases/{case_id}/contacts")
    assert AuditEntry.objects.filter(object_type="case_contacts", username="tracer_nat").count() == 1


# --- 2. Audited case reads ---------------------------------------------------------------------


def test_it_audits_the_case_detail_and_keeps_notes_out_of_the_list(two_provinces, users):
    client = ApiClient(users["tracer"])
    case_id = open_case(client, person={"phone": "0912345678"}, notes="sốt cao, ho").json()["id"]
    r = client.get("/cases")
    assert r.status_code == 200 and "notes" not in r.json()["results"][0]
    assert not AuditEntry.objects.filter(action="read", object_type="case").exists()
    r = client.get(f"/cases/{case_id}")
    assert r.json()["notes"] == "sốt cao, ho"
    entry = AuditEntry.objects.get(action="read", object_type="case")
    assert entry.case_id == case_id and entry.purpose == "case detail (API)" and entry.username == "tracer"


def test_it_audits_the_case_page(two_provinces, users):
    case_id = open_case(ApiClient(users["tracer"]), person={"phone": "0912345678"}).json()["id"]
    client = Client()
    client.force_login(users["tracer"])
    assert client.get(f"/tracing/cases/{case_id}/").status_code == 200
    entry = AuditEntry.objects.get(action="read", object_type="case")
    assert entry.case_id == case_id and entry.purpose == "case page"


# --- 3. No open redirect -----------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "javascript:alert(1)"])
def test_it_does_not_redirect_off_site_after_publishing_a_window(two_provinces, users, target):
    case = Case.objects.create(
        person=two_provinces["hue_case"],
        unit=users["tracer"].unit,
        infectious_from=BASE - 24 * H,
        infectious_to=BASE + 24 * H,
    )
    client = Client()
    client.force_login(users["tracer"])
    r = client.post(
        "/tracing/windows/",
        {
            "venue": two_provinces["hue_cafe"].code,
            "case": case.pk,
            "from": "2026-11-03T03:00",
            "to": "2026-11-03T05:00",
            "next": target,
        },
    )
    assert r.status_code == 302 and r["Location"] == f"/tracing/cases/{case.pk}/"
    r = client.post(
        "/tracing/windows/",
        {
            "venue": two_provinces["hue_cafe"].code,
            "from": "2026-11-03T03:00",
            "to": "2026-11-03T05:00",
            "next": "/tracing/?status=open",
        },
    )
    assert r["Location"] == "/tracing/?status=open"  # a path of this site is still followed


# --- 4. Shared phones --------------------------------------------------------------------------


def test_it_asks_for_the_id_number_when_several_people_share_the_phone(two_provinces, users, small_map, tmp_path):
    make_person("Nguyễn Thị Con", phone="0912345678", id_number="046090009999", unit=small_map.commune_a)
    r = open_case(ApiClient(users["tracer"]), person={"phone": "0912 345 678"})
    assert r.status_code == 409 and r.json()["code"] == "shared_phone"
    message = r.json()["detail"]
    assert not Case.objects.exists()
    client = Client()
    client.force_login(users["tracer"])
    r = client.post("/tracing/", {"phone": "0912345678"})
    assert r.status_code == 200 and escape(message) in r.content.decode() and not Case.objects.exists()
    result = case_import(user=users["tracer"], content=b"phone\n0912345678\n", filename="c.csv", dry_run=False)
    assert result.created == [] and result.errors == [(2, message)]
    # The ID number tells them apart.
    assert open_case(ApiClient(users["tracer"]), person={"id_number": "046090009999"}).status_code == 201


# --- 5. Follow-up of contacts only -------------------------------------------------------------


def test_it_follows_up_only_contacts_of_the_case(two_provinces, users):
    client = ApiClient(users["tracer"])
    case_id = open_case(client, person={"phone": "0912345678"}).json()["id"]
    url = f"/cases/{case_id}/contacts/%d/follow-up"
    assert client.post(url % 99_999_999, {"reached": True}).status_code == 404  # nobody: was a 500
    stranger = two_provinces["dn_contact"]  # at the Đà Nẵng café, ten hours before the case
    assert client.post(url % stranger.pk, {"reached": True}).status_code == 404
    assert client.post(url % two_provinces["hue_case"].pk, {"reached": True}).status_code == 404
    assert not ContactTrace.objects.exists()
    r = client.post(url % two_provinces["hue_contact"].pk, {"reached": True})
    assert r.status_code == 200 and r.json()["reached_at"]
    # With the buffer of a list that reached them, the stranger (10 h away) is a contact.
    r = client.post(url % stranger.pk, {"reached": True, "degree": 1, "buffer_minutes": 24 * 60})
    assert r.status_code == 200


def test_it_follows_up_an_f2_contact(two_provinces, users, small_map):
    later = make_venue(small_map.commune_a, "Chợ")
    f2 = make_person("Võ Văn Hai", phone="0912000002", unit=small_map.commune_a)
    make_visit(two_provinces["hue_contact"], later, BASE + 10 * H, 60)
    make_visit(f2, later, BASE + 10 * H, 60)
    client = ApiClient(users["tracer"])
    case_id = open_case(client, person={"phone": "0912345678"}).json()["id"]
    url = f"/cases/{case_id}/contacts/{f2.pk}/follow-up"
    assert client.post(url, {"reached": True, "degree": 1}).status_code == 404
    assert client.post(url, {"reached": True}).status_code == 200  # F2 by default
    assert ContactTrace.objects.get(person=f2).degree == 2


def test_it_refuses_a_page_mark_for_a_non_contact(two_provinces, users):
    case_id = open_case(ApiClient(users["tracer"]), person={"phone": "0912345678"}).json()["id"]
    client = Client()
    client.force_login(users["tracer"])
    r = client.post(f"/tracing/cases/{case_id}/contacts/99999999/mark/", {"reached": "1", "degree": "1"})
    assert r.status_code == 404 and not ContactTrace.objects.exists()


# --- 6. Idempotent retries ---------------------------------------------------------------------


def test_it_answers_a_retried_case_opening_with_the_same_case(two_provinces, users):
    client = ApiClient(users["tracer"])
    cid = str(uuid.uuid4())
    first = open_case(client, person={"phone": "0912345678"}, client_id=cid)
    again = open_case(client, person={"phone": "0912345678"}, client_id=cid)
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    assert Case.objects.count() == 1
    assert AuditEntry.objects.filter(purpose="open case").count() == 1
    other = open_case(ApiClient(two_provinces["dn_tracer"]), person={"phone": "0905000001"}, client_id=cid)
    assert other.status_code == 409 and other.json()["code"] == "client_id_taken"


def test_it_refuses_a_second_open_case_with_an_overlapping_window(two_provinces, users):
    client = ApiClient(users["tracer"])
    case_id = open_case(client, person={"phone": "0912345678"}).json()["id"]
    r = open_case(client, person={"phone": "0912345678"})
    assert r.status_code == 409 and r.json()["case_id"] == case_id and f"#{case_id}" in r.json()["detail"]
    # A later window does not overlap; a closed case does not block.
    assert (
        client.post(
            "/cases",
            {
                "person": {"phone": "0912345678"},
                "infectious_from": (BASE + 30 * H).isoformat(),
                "infectious_to": (BASE + 40 * H).isoformat(),
            },
        ).status_code
        == 201
    )
    Case.objects.filter(pk=case_id).update(status=CaseStatus.CLOSED)
    assert open_case(client, person={"phone": "0912345678"}).status_code == 201


def test_it_answers_a_retried_window_with_the_same_window(two_provinces, users):
    client = ApiClient(users["tracer"])
    body = {
        "venue": two_provinces["hue_cafe"].code,
        "from": BASE.isoformat(),
        "to": (BASE + H).isoformat(),
        "client_id": str(uuid.uuid4()),
    }
    first, again = client.post("/exposure-windows", body), client.post("/exposure-windows", body)
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    assert ExposureWindow.objects.count() == 1
    assert client.post("/exposure-windows", {**body, "client_id": None}).status_code == 201  # without: new


# --- 7. Retention ------------------------------------------------------------------------------


def test_it_purges_old_cases_with_their_follow_ups_and_notifications(two_provinces, users):
    hue_case, contact = two_provinces["hue_case"], two_provinces["hue_contact"]
    now = timezone.now()
    long_ago = {"infectious_from": now - timedelta(days=50), "infectious_to": now - timedelta(days=45)}
    old = Case.objects.create(
        person=hue_case, unit=users["tracer"].unit, notes="cũ", created_at=now - timedelta(days=60), **long_ago
    )
    recent_window = Case.objects.create(
        person=hue_case, infectious_from=now - 48 * H, infectious_to=now, created_at=now - timedelta(days=60)
    )
    new = Case.objects.create(person=hue_case, **long_ago)  # entered late: kept for now
    for case in (old, recent_window, new):
        ContactTrace.objects.create(case=case, person=contact)
        Notification.objects.create(case=case, person=contact, channel="sms")
    window = ExposureWindow.objects.create(venue=two_provinces["hue_cafe"], starts_at=BASE, ends_at=BASE + H, case=old)
    counts = purge_cases(before=now - timedelta(days=30))
    assert counts == {"cases": 1, "follow_ups": 1, "notifications": 1}
    assert set(Case.objects.values_list("pk", flat=True)) == {recent_window.pk, new.pk}
    assert ContactTrace.objects.count() == 2 and Notification.objects.count() == 2
    window.refresh_from_db()
    assert window.case_id is None  # the public window stays, without the case
