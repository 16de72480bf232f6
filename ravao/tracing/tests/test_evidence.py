"""Issue 14: the contact list and the exports mark unproven claims and unverified venues, filter
out contacts resting only on them, and count them (docs/tracing.md, "Evidence")."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import checkin_payload
from ravao.core.crypto import lookup_hash
from ravao.people.models import Person
from ravao.testing import ApiClient
from ravao.tracing import selectors
from ravao.tracing.models import Case
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world
from ravao.venues.testing import make_venue

H = timedelta(hours=1)


def unproven(visit):
    Visit.objects.filter(pk=visit.pk).update(proven=False)
    return visit


@pytest.fixture
def scene(small_map, users):
    """The case at a verified café (proven), a second verified place where the case's visit is
    itself an unproven claim, and an unverified shop. Contacts: ``strong`` (proven, verified),
    ``claim`` (their only visit an unproven claim), ``shop`` (only at the unverified shop),
    ``via_claim`` (proven, but the case's visit they met is an unproven claim) and ``mixed``
    (a claim at the café and a proven visit at the shop: weak, neither "only")."""
    spots = make_world(small_map.commune_a)
    cafe, second_place, shop = (s[0] for s in spots[:3])
    for venue in (cafe, second_place):
        venue.verified = True
        venue.save(update_fields=["verified"])
    ca = make_person("Ca", phone="0912345678", unit=small_map.commune_a)
    make_visit(ca, cafe, BASE, 60)
    make_visit(ca, shop, BASE + 3 * H, 60)
    unproven(make_visit(ca, second_place, BASE + 6 * H, 60))
    people = {
        name: make_person(name, phone=f"09876543{i:02d}")
        for i, name in enumerate(["strong", "claim", "shop", "via_claim", "mixed"])
    }
    make_visit(people["strong"], cafe, BASE + 0.5 * H, 60)
    unproven(make_visit(people["claim"], cafe, BASE + 0.25 * H, 30))
    make_visit(people["shop"], shop, BASE + 3 * H, 60)
    make_visit(people["via_claim"], second_place, BASE + 6 * H, 60)
    unproven(make_visit(people["mixed"], cafe, BASE, 20))
    make_visit(people["mixed"], shop, BASE + 3.5 * H, 20)
    case = Case.objects.create(
        person=ca,
        unit=small_map.commune_a,
        infectious_from=BASE - 24 * H,
        infectious_to=BASE + 24 * H,
        created_by=users["tracer"],
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the English texts below (Vietnamese: its own test)
    client.force_login(users["tracer"])
    return {
        "case": case,
        "people": people,
        "client": client,
        "api": ApiClient(users["tracer"]),
        "cafe": cafe,
        "shop": shop,
    }


WEAK = {"claim", "shop", "via_claim", "mixed"}


def by_name(scene, contacts):
    names = {p.pk: name for name, p in scene["people"].items()}
    return {names[c["person"]["id"]]: c for c in contacts}


def test_the_api_marks_exposures_and_contacts_and_counts_them(scene):
    body = scene["api"].get(f"/cases/{scene['case'].pk}/contacts", degree=1).json()
    contacts = by_name(scene, body["contacts"])
    assert set(contacts) == {"strong", "claim", "shop", "via_claim", "mixed"}
    assert {n for n, c in contacts.items() if c["evidence"]["weak"]} == WEAK
    assert contacts["strong"]["evidence"] == {
        "weak": False,
        "only_unproven_claims": False,
        "only_unverified_venues": False,
    }
    assert contacts["claim"]["evidence"] == {
        "weak": True,
        "only_unproven_claims": True,
        "only_unverified_venues": False,
    }
    assert contacts["shop"]["evidence"] == {"weak": True, "only_unproven_claims": False, "only_unverified_venues": True}
    assert contacts["via_claim"]["evidence"]["only_unproven_claims"] is True
    assert contacts["mixed"]["evidence"] == {
        "weak": True,
        "only_unproven_claims": False,
        "only_unverified_venues": False,
    }
    e = contacts["claim"]["exposures"][0]
    assert e["unproven_claim"] is True and e["venue_verified"] is True
    assert e["visit"]["proven"] is False and e["case_visit"]["proven"] is True
    e = contacts["via_claim"]["exposures"][0]
    assert e["unproven_claim"] is True and e["visit"]["proven"] is True and e["case_visit"]["proven"] is False
    e = contacts["shop"]["exposures"][0]
    assert e["unproven_claim"] is False and e["venue_verified"] is False
    assert not any(x["unproven_claim"] or not x["venue_verified"] for x in contacts["strong"]["exposures"])
    assert sorted(v["proven"] for v in body["case_visits"]) == [False, True, True]
    assert body["counts"]["evidence"] == {"weak": 4, "only_unproven_claims": 2, "only_unverified_venues": 1}
    assert body["counts"]["f1"] == 5


def test_the_api_filter_hides_or_keeps_only_the_weak_contacts(scene):
    url = f"/cases/{scene['case'].pk}/contacts"
    proven = scene["api"].get(url, degree=1, evidence="proven").json()
    assert set(by_name(scene, proven["contacts"])) == {"strong"}
    assert proven["counts"]["f1"] == 1 and proven["counts"]["before_filters"] == 5
    assert proven["counts"]["evidence"]["weak"] == 4  # counted before this filter: what it hides
    weak = scene["api"].get(url, degree=1, evidence="weak").json()
    assert set(by_name(scene, weak["contacts"])) == WEAK and weak["counts"]["f1"] == 4
    assert scene["api"].get(url, evidence="maybe").status_code == 422


def test_second_degree_exposures_to_an_unproven_f1_visit_are_marked(scene):
    # An F2 met "claim" later at the verified café: their only source is an unproven claim.
    f2 = make_person("f2", phone="0911000000")
    claim = scene["people"]["claim"]
    unproven(make_visit(claim, scene["cafe"], BASE + 10 * H, 60))
    make_visit(f2, scene["cafe"], BASE + 10 * H, 60)
    body = scene["api"].get(f"/cases/{scene['case'].pk}/contacts", degree=2).json()
    [c] = [c for c in body["contacts"] if c["person"]["id"] == f2.pk]
    assert c["degree"] == 2 and c["evidence"]["only_unproven_claims"] is True
    assert c["exposures"][0]["unproven_claim"] is True and c["exposures"][0]["case_visit"]["proven"] is False
    hidden = scene["api"].get(f"/cases/{scene['case'].pk}/contacts", degree=2, evidence="proven").json()
    assert f2.pk not in {c["person"]["id"] for c in hidden["contacts"]}


def test_the_lookup_is_one_query_bounded_by_check_in_times(scene):
    with CaptureQueriesContext(connection) as ctx:
        view = selectors.case_contacts(case=scene["case"], degree=1)
    lookups = [q["sql"] for q in ctx.captured_queries if '"proven"' in q["sql"]]
    assert len(lookups) == 1
    sql = lookups[0]
    assert '"checked_in_at" >=' in sql and '"checked_in_at" <=' in sql
    assert len(view.unproven) == 3  # two contacts' claims and the case's


def test_the_page_shows_badges_counts_and_filters(scene):
    url = f"/tracing/cases/{scene['case'].pk}/contacts/"
    html = scene["client"].get(url).content.decode()
    assert html.count('data-evidence="weak"') == 4
    assert html.count('data-mark="unproven"') == 3 and html.count('data-mark="unverified"') == 2
    assert "Only unproven claims" in html and "Only unverified venues" in html
    assert 'id="evidence-counts"' in html and "Weak evidence: 4 contacts" in html
    assert "2 only on unproven claims, 1 only on unverified venues" in html
    html = scene["client"].get(url, {"evidence": "proven"}).content.decode()
    assert html.count('class="contact"') == 1 and 'data-evidence="weak"' not in html
    assert '<option value="proven" selected' in html


def test_the_page_speaks_vietnamese(scene):
    html = (
        scene["client"].get(f"/tracing/cases/{scene['case'].pk}/contacts/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    )
    assert "Khai báo chưa xác thực" in html and "Địa điểm chưa được xác minh" in html
    assert "Chỉ có khai báo chưa xác thực" in html and "Thông tin chưa chắc chắn: 4 người tiếp xúc" in html
    assert "Độ tin cậy" in html and "Ẩn người chỉ dựa trên thông tin chưa xác thực" in html


def test_the_xlsx_and_csv_exports_mark_them(scene):
    client, case = scene["client"], scene["case"]
    r = client.get(f"/tracing/cases/{case.pk}/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    contacts, exposures = wb.worksheets
    header = [c.value for c in contacts[1]]
    evidence = {row[2].value: row[header.index("Evidence")].value for row in contacts.iter_rows(min_row=2)}
    assert evidence["strong"] is None
    assert evidence["claim"] == evidence["via_claim"] == "Only unproven claims"
    assert evidence["shop"] == "Only unverified venues"
    assert evidence["mixed"] == "Only unproven claims or unverified venues"
    header = [c.value for c in exposures[1]]
    claim_col, venue_col = header.index("Unproven claim"), header.index("Unverified venue")
    marks = {}
    for row in exposures.iter_rows(min_row=2):
        marks.setdefault(row[0].value, []).append((row[claim_col].value, row[venue_col].value))
    assert marks["strong"] == [(None, None)] and marks["claim"] == [("yes", None)]
    assert marks["shop"] == [(None, "yes")] and set(marks["mixed"]) == {(None, "yes"), ("yes", None)}
    r = client.get(f"/tracing/cases/{case.pk}/export.csv", {"evidence": "proven"})
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["strong"]


def test_the_json_export_marks_them(scene):
    client, case = scene["client"], scene["case"]
    data = json.loads(b"".join(client.get(f"/tracing/cases/{case.pk}/export.json").streaming_content))
    names = {f"RAVAO-PERSON-{p.pk}": n for n, p in scene["people"].items()}
    weak = {names[c["id"]] for c in data["contacts"] if c["weakEvidence"]}
    assert weak == WEAK
    reasons = {names[c["id"]]: c["riskReason"] for c in data["contacts"]}
    assert reasons["strong"] == "" and reasons["claim"] == "Only unproven claims"
    rels = {}
    for r in data["relationships"]:
        rels.setdefault(names[r["persons"][1]["id"]], []).append(r)
    assert rels["strong"][0]["certaintyLevelId"].endswith("3_HIGH")
    assert rels["claim"][0]["certaintyLevelId"].endswith("1_LOW") and rels["claim"][0]["unprovenClaim"] is True
    assert rels["shop"][0]["venueVerified"] is False and rels["shop"][0]["unprovenClaim"] is False
    filtered = json.loads(
        b"".join(client.get(f"/tracing/cases/{case.pk}/export.json", {"evidence": "proven"}).streaming_content)
    )
    assert [names[c["id"]] for c in filtered["contacts"]] == ["strong"]


def test_a_public_check_in_as_someone_already_known_is_listed_as_an_unproven_claim(small_map, users):
    """Through the check-in API: the victim registered elsewhere; someone types their ID number
    at the case's venue without their holder link. The tracer sees the victim as a contact
    resting only on that claim, and can hide them."""
    cache.clear()  # the check-in rate limits count in the cache
    here, elsewhere = make_venue(small_map.commune_a, "Quán Cơm"), make_venue(small_map.commune_a, "Chợ")
    for venue in (here, elsewhere):
        venue.verified = True
        venue.save(update_fields=["verified"])
    public = ApiClient()
    ca = {"full_name": "Nguyễn Văn Ca", "phone": "0912345678", "id_number": "046090001234", "birth_year": 1980}
    victim = {"full_name": "Trần Thị Bình", "phone": "0987654321", "id_number": "001090012345", "birth_year": 1990}
    assert public.post("/checkins", checkin_payload(here.code, person=ca)).status_code == 201
    assert public.post("/checkins", checkin_payload(elsewhere.code, person=victim)).status_code == 201
    claim = public.post(
        "/checkins", checkin_payload(here.code, person={"full_name": "Ai Đó", "id_number": victim["id_number"]})
    )
    assert claim.status_code == 201 and Visit.objects.get(id=claim.json()["id"]).proven is False
    case_person = Person.objects.get(id_hash=lookup_hash("046090001234"))
    now = timezone.now()
    case = Case.objects.create(
        person=case_person,
        unit=small_map.commune_a,
        infectious_from=now - 24 * H,
        infectious_to=now + H,
        created_by=users["tracer"],
    )
    api = ApiClient(users["tracer"])
    body = api.get(f"/cases/{case.pk}/contacts", degree=1).json()
    [c] = body["contacts"]
    assert c["person"]["id_number"] == "001090012345"
    assert c["evidence"]["only_unproven_claims"] is True
    assert c["exposures"][0]["unproven_claim"] is True and c["exposures"][0]["visit"]["proven"] is False
    assert body["counts"]["evidence"]["only_unproven_claims"] == 1
    assert api.get(f"/cases/{case.pk}/contacts", degree=1, evidence="proven").json()["contacts"] == []


def test_the_lookup_in_chunks_finds_the_same_claims(scene, monkeypatch):
    whole = selectors.case_contacts(case=scene["case"], degree=1).unproven
    monkeypatch.setattr(selectors, "UNPROVEN_IDS_PER_QUERY", 2)
    with CaptureQueriesContext(connection) as ctx:
        chunked = selectors.case_contacts(case=scene["case"], degree=1).unproven
    assert chunked == whole and len(whole) == 3
    assert len([q for q in ctx.captured_queries if '"proven"' in q["sql"]]) > 1
