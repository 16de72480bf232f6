"""POST /api/v1/scans (gate staff) and POST /api/v1/scans/declaration."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from ravao.checkins.models import Channel, CheckinReplay, CheckoutMethod, Visit
from ravao.checkins.tests.conftest import CCCD_6, CCCD_7, checkin_payload
from ravao.people.models import Person
from ravao.testing import ApiClient


def scan(client, venue, text, **extra):
    body = {"venue": venue.code, "text": text, "client_id": str(extra.pop("client_id", uuid.uuid4()))}
    body.update(extra)
    return client.post("/scans", body)


@pytest.fixture
def known_person(venue):
    res = ApiClient().post("/checkins", checkin_payload(venue.code, declaration={"symptoms": ["cough"]}))
    assert res.status_code == 201
    Visit.objects.all().delete()
    return Person.objects.get()


def test_it_checks_in_a_chip_id_card_in_the_7_field_form(venue, staff):
    res = scan(ApiClient(staff), venue, CCCD_7)
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["person"] == {"masked_name": "T. T. Bình", "birth_year": 1990}
    assert body["status"] == "undeclared" and body["channel"] == Channel.CCCD and body["already_inside"] is False
    person = Person.objects.get()
    assert person.id_number == "001090012345" and person.sex == "female" and person.birth_date == "1990-04-15"


def test_it_checks_in_a_chip_id_card_in_the_6_field_form(venue, staff):
    res = scan(ApiClient(staff), venue, CCCD_6)
    assert res.status_code == 201, res.content
    assert res.json()["person"] == {"masked_name": "L. V. Cường", "birth_year": 1995}


@pytest.mark.parametrize(
    "text",
    [
        "001090012345|Trần Thị Bình|15041990|Nữ|Huế",  # 5 fields
        "00109001234|123456789|Trần Thị Bình|15041990|Nữ|Huế|01072021",  # 11-digit ID
        "001090012345|12345|Trần Thị Bình|15041990|Nữ|Huế|01072021",  # bad old ID
        "001090012345|123456789|Trần Thị Bình|31021990|Nữ|Huế|01072021",  # 31 February
        "001090012345|123456789|Trần Thị Bình|15041990|X|Huế|01072021",  # sex
        "046095001234||02021995|Nam|Huế|10082021",  # 6 fields, empty name
        "046095001234|Lê Văn Cường|1995|Nam|Huế|10082021",  # 6 fields, bad date
    ],
)
def test_it_rejects_malformed_id_card_text_with_a_message_and_writes_nothing(venue, staff, text):
    res = scan(ApiClient(staff), venue, text)
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "bad_card" and res.json()["detail"]
    assert Person.objects.count() == 0 and Visit.objects.count() == 0 and CheckinReplay.objects.count() == 0


def test_it_checks_in_a_personal_qr_and_keeps_the_declaration_colour(venue, staff, known_person):
    from ravao.codes.signing import person_qr_text

    res = scan(ApiClient(staff), venue, person_qr_text(person=known_person))
    assert res.status_code == 201, res.content
    assert res.json()["status"] == "yellow" and res.json()["channel"] == Channel.PERSONAL_QR
    assert res.json()["person"]["masked_name"] == "N. V. An"


def test_it_refuses_a_personal_qr_with_a_bad_signature(venue, staff, known_person):
    from ravao.codes.signing import person_qr_text

    text = person_qr_text(person=known_person)
    bad = text[:-2] + ("AA" if not text.endswith("AA") else "BB")
    res = scan(ApiClient(staff), venue, bad)
    assert res.status_code == 400 and res.json()["detail"]
    assert Visit.objects.count() == 0


def test_it_refuses_a_revoked_personal_qr(venue, staff, known_person):
    from ravao.codes.signing import person_qr_text
    from ravao.people.services import personal_qr_reissue

    old = person_qr_text(person=known_person)
    personal_qr_reissue(person=known_person)
    res = scan(ApiClient(staff), venue, old)
    assert res.status_code == 410 and res.json()["code"] == "replaced"
    assert scan(ApiClient(staff), venue, person_qr_text(person=known_person)).status_code == 201


def test_it_finds_a_person_by_a_typed_phone_or_id_number(venue, staff, known_person):
    res = scan(ApiClient(staff), venue, "+84 912 345 678", birth_year=1990)
    assert res.status_code == 201 and res.json()["channel"] == Channel.MANUAL
    assert Visit.objects.get().person_id == known_person.pk


def test_an_unknown_typed_number_is_a_clear_404(venue, staff):
    res = scan(ApiClient(staff), venue, "0987654321", birth_year=1990)
    assert res.status_code == 404 and res.json()["code"] == "no_match"


@pytest.mark.parametrize("text", ["hello world", "https://example.com/x", ""])
def test_it_rejects_anything_else_with_a_clear_message(venue, staff, text):
    res = scan(ApiClient(staff), venue, text)
    assert res.status_code == 400 and res.json()["detail"]
    assert Visit.objects.count() == 0


def test_a_venue_poster_scanned_at_the_gate_is_explained(venue, staff):
    from ravao.codes.signing import venue_qr_url

    res = scan(ApiClient(staff), venue, venue_qr_url(venue=venue))
    assert res.status_code == 400 and res.json()["code"] == "venue_code"


def test_the_same_person_by_id_card_and_by_typed_id_number_is_one_person(venue, staff):
    client = ApiClient(staff)
    scan(client, venue, CCCD_7)
    res = scan(client, venue, "001090012345", birth_year=1990)
    assert res.status_code == 200 and res.json()["already_inside"] is True
    assert Person.objects.count() == 1 and Visit.objects.count() == 1


def test_a_replay_answers_200_with_the_same_body_and_no_new_row(venue, staff):
    client, client_id = ApiClient(staff), uuid.uuid4()
    first = scan(client, venue, CCCD_7, client_id=client_id)
    second = scan(client, venue, CCCD_7, client_id=client_id)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Visit.objects.count() == 1


def test_a_repeat_scan_is_the_same_visit_and_says_already_inside(venue, staff):
    client = ApiClient(staff)
    first = scan(client, venue, CCCD_7).json()
    second = scan(client, venue, CCCD_7)
    assert second.status_code == 200
    assert second.json()["id"] == first["id"] and second.json()["already_inside"] is True


def test_an_exit_scan_checks_out(venue, staff):
    client = ApiClient(staff)
    first = scan(client, venue, CCCD_7).json()
    res = scan(client, venue, CCCD_7, direction="out")
    assert res.status_code == 200 and res.json()["id"] == first["id"]
    visit = Visit.objects.get()
    assert visit.checkout_method == CheckoutMethod.SCAN and visit.checked_out_at <= timezone.now()


def test_an_exit_scan_without_a_visit_is_refused(venue, staff):
    res = scan(ApiClient(staff), venue, CCCD_7, direction="out")
    assert res.status_code == 409 and res.json()["code"] == "no_open_visit"
    assert Person.objects.count() == 0


def test_an_offline_scan_keeps_its_original_time(venue, staff):
    from ravao.checkins.tests.test_proof import enrol, signed_scan

    private, device = enrol(staff)
    body = signed_scan(venue, private, device, 30 * 60)
    res = ApiClient(staff).post("/scans", body)
    assert res.status_code == 201
    assert Visit.objects.get().checked_in_at.isoformat() == body["scanned_at"]


@pytest.mark.parametrize("delta, code", [(timedelta(hours=-73), "too_old"), (timedelta(minutes=2), "in_future")])
def test_it_refuses_scans_too_old_or_in_the_future(venue, staff, delta, code):
    res = scan(ApiClient(staff), venue, CCCD_7, scanned_at=(timezone.now() + delta).isoformat())
    assert res.status_code == 400 and res.json()["code"] == code
    assert Person.objects.count() == 0


def test_a_scan_up_to_a_minute_ahead_is_accepted(venue, staff):
    res = scan(ApiClient(staff), venue, CCCD_7, scanned_at=(timezone.now() + timedelta(seconds=50)).isoformat())
    assert res.status_code == 201


def test_staff_of_venue_a_cannot_scan_for_venue_b(venue, other_venue, staff, other_staff):
    res = scan(ApiClient(staff), other_venue, CCCD_7)
    assert res.status_code == 404
    assert Person.objects.count() == 0 and Visit.objects.count() == 0
    assert scan(ApiClient(other_staff), other_venue, CCCD_7).status_code == 201


def test_an_inactive_membership_cannot_scan(venue, staff):
    from ravao.venues.models import VenueMembership

    VenueMembership.objects.filter(user=staff).update(active=False)
    assert scan(ApiClient(staff), venue, CCCD_7).status_code == 404


def test_scans_need_a_token(venue):
    assert scan(ApiClient(), venue, CCCD_7).status_code == 401


def test_a_suspended_venue_refuses_scans(venue, staff):
    type(venue).objects.filter(pk=venue.pk).update(status="suspended")
    res = scan(ApiClient(staff), venue, CCCD_7)
    assert res.status_code == 409 and res.json()["code"] == "venue_suspended"
    assert Person.objects.count() == 0


def test_an_event_refuses_scans_outside_its_window(event_venue, users):
    from ravao.checkins.tests.conftest import member

    staff = member(users["staff"], event_venue)
    res = scan(ApiClient(staff), event_venue, CCCD_7)
    assert res.status_code == 409 and res.json()["code"] == "event_closed"


def test_a_scan_on_a_vehicle_belongs_to_the_trip(bus, users):
    from ravao.checkins.tests.conftest import member
    from ravao.venues.models import Trip

    staff = member(users["staff"], bus)
    now = timezone.now()
    trip = Trip.objects.create(venue=bus, departs_at=now - timedelta(minutes=5), arrives_at=now + timedelta(minutes=30))
    res = scan(ApiClient(staff), bus, CCCD_6)
    assert res.json()["trip"] == trip.pk


def test_an_unknown_entrance_is_refused(venue, staff):
    res = scan(ApiClient(staff), venue, CCCD_7, entrance=999999)
    assert res.status_code == 404 and res.json()["code"] == "unknown_entrance"


def test_staff_record_a_declaration_on_behalf_of_a_scanned_person(venue, staff):
    client = ApiClient(staff)
    visit = scan(client, venue, CCCD_7).json()
    assert visit["status"] == "undeclared"
    res = client.post(
        "/scans/declaration", {"venue": venue.code, "visit": visit["id"], "declaration": {"contact_case": True}}
    )
    assert res.status_code == 201, res.content
    assert res.json()["status"] == "red"
    assert Visit.objects.get().status == "red"
    from ravao.people.models import Declaration

    assert Declaration.objects.get().recorded_by == staff
    again = scan(client, venue, "001090012345", birth_year=1990)
    assert again.json()["status"] == "red"


def test_staff_cannot_declare_for_a_visit_of_another_venue(venue, other_venue, staff, other_staff):
    visit = scan(ApiClient(other_staff), other_venue, CCCD_7).json()
    res = ApiClient(staff).post("/scans/declaration", {"venue": venue.code, "visit": visit["id"], "declaration": {}})
    assert res.status_code == 404
    res = ApiClient(staff).post(
        "/scans/declaration", {"venue": other_venue.code, "visit": visit["id"], "declaration": {}}
    )
    assert res.status_code == 404


def test_the_gate_sees_who_is_inside(venue, staff, other_staff):
    client = ApiClient(staff)
    scan(client, venue, CCCD_7)
    scan(client, venue, CCCD_6)
    scan(client, venue, CCCD_6, direction="out")
    res = client.get(f"/venues/{venue.code}/inside")
    assert res.status_code == 200
    body = res.json()
    assert body["inside"] == 1 and body["today"] == 2 and [r["masked_name"] for r in body["visits"]] == ["T. T. Bình"]
    assert "Trần" not in res.content.decode()
    assert ApiClient(other_staff).get(f"/venues/{venue.code}/inside").status_code == 404


def test_a_gate_scan_costs_few_queries(venue, staff, django_assert_max_num_queries):
    client = ApiClient(staff)
    scan(client, venue, CCCD_7)
    Visit.objects.all().delete()
    # token and venue+membership: remembered by the worker (hotcache), the token confirmed by
    # one single-row check (revocation at once, issue 15); person with their colour, open
    # visit, insert visit, claim of the replay row (+ the test's savepoint pair)
    with django_assert_max_num_queries(7):
        res = scan(client, venue, CCCD_7)
    assert res.status_code == 201
    Visit.objects.all().delete()
    # A typed number also writes its audit entry (docs/identity.md).
    with django_assert_max_num_queries(8):
        res = scan(client, venue, "001090012345", birth_year=1990)
    assert res.status_code == 201


def test_a_phone_shared_by_a_family_is_refused_as_ambiguous(venue, staff, known_person):
    ApiClient().post(
        "/checkins",
        checkin_payload(venue.code, person={"full_name": "Nguyễn Thị Hoa", "phone": "0912345678", "birth_year": 1990}),
    )
    Visit.objects.all().delete()
    res = scan(ApiClient(staff), venue, "0912345678", birth_year=1990)
    assert res.status_code == 409 and res.json()["code"] == "ambiguous_number"
    assert Visit.objects.count() == 0


def test_the_birth_year_tells_apart_a_family_sharing_a_phone(venue, staff, known_person):
    ApiClient().post(
        "/checkins",
        checkin_payload(venue.code, person={"full_name": "Nguyễn Thị Hoa", "phone": "0912345678", "birth_year": 1962}),
    )
    Visit.objects.all().delete()
    res = scan(ApiClient(staff), venue, "0912345678", birth_year=1962)
    assert res.status_code == 201 and res.json()["person"] == {"masked_name": "N. T. Hoa", "birth_year": 1962}


def test_a_poster_with_an_entrance_records_the_entrance(venue):
    from ravao.codes.signing import venue_qr_url
    from ravao.venues.models import Entrance

    gate = Entrance.objects.create(venue=venue, name="Cổng sau")
    payload = checkin_payload("")
    payload["venue_qr"] = venue_qr_url(venue=venue, entrance=gate)
    res = ApiClient().post("/checkins", payload)
    assert res.status_code == 201 and res.json()["entrance"] == gate.pk
    assert Visit.objects.get().entrance_id == gate.pk


def test_phone_id_card_and_personal_qr_are_one_person(venue, other_venue, staff, users):
    from ravao.checkins.tests.conftest import member
    from ravao.codes.signing import person_qr_text

    member(users["staff"], other_venue)
    me = {"full_name": "Trần Thị Bình", "phone": "0912345678", "id_number": "001090012345"}
    first = ApiClient().post("/checkins", checkin_payload(venue.code, person=me))
    assert first.status_code == 201
    client = ApiClient(staff)
    assert scan(client, other_venue, CCCD_7).status_code == 201
    person = Person.objects.get()
    assert scan(client, venue, person_qr_text(person=person), direction="out").status_code == 200
    later = {**checkin_payload(other_venue.code, person={**me, "id_number": ""}), "holder": first.json()["holder"]}
    assert ApiClient().post("/checkins", later).json()["repeat"] is True
    assert Person.objects.count() == 1 and Visit.objects.values("person_id").distinct().count() == 1
