"""What a red or yellow colour does at a gate (issue 16): the venue type's rule refuses or refers
(recorded as a GateOutcome, not a visit, audited, counted), the answer carries the advice, the
province's hotline and the reasons of the declaration; enrolment of people without a phone."""

import uuid

import pytest
from django.test import Client

from ravao.audit.models import AuditEntry
from ravao.checkins.models import GateOutcome, Visit
from ravao.checkins.tests.conftest import checkin_payload, make_venue, member, person_payload
from ravao.health.models import ColourRule, GateAction, HealthContact
from ravao.people.models import Declaration, Person
from ravao.people.services import current_status
from ravao.testing import ApiClient

PHONE = "0912 345 678"


def declare(venue, declaration, **person):
    answer = ApiClient().post(
        "/checkins",
        checkin_payload(venue.code, declaration={"commitment": True, **declaration}, person=person_payload(**person)),
    )
    assert answer.status_code == 201, answer.json()
    return answer.json()


def scan(user, venue, text, client_id=None, **extra):
    body = {"venue": venue.code, "text": text, "client_id": str(client_id or uuid.uuid4()), **extra}
    return ApiClient(user).post("/scans", body)


@pytest.fixture
def market(small_map):
    return make_venue(small_map.commune_a, "market", name="Chợ Đông Ba")


@pytest.fixture
def market_staff(users, market):
    return member(users["staff"], market)


def test_it_refuses_a_red_visitor_at_a_market_and_records_no_visit(market, market_staff):
    declare(market, {"contact_case": True})
    visits = Visit.objects.count()
    answer = scan(market_staff, market, f"{PHONE} 1990")
    body = answer.json()
    assert answer.status_code == 201, body
    assert body["outcome"] == "refused" and body["id"] is None and body["status"] == "red"
    assert body["advice"]["action"] == "refuse" and body["advice"]["hotline"] == "1900 9095"
    assert body["advice"]["reasons"] == ["contact_case"]
    assert Visit.objects.count() == visits  # nobody went in
    outcome = GateOutcome.objects.get()
    assert (outcome.outcome, outcome.status, outcome.reasons) == ("refused", "red", "contact_case")
    assert AuditEntry.objects.filter(object_type="gate_outcome", purpose="gate: refused").count() == 1
    counts = ApiClient(market_staff).get(f"/venues/{market.code}/inside").json()
    assert counts["by_outcome"] == {"refused": 1, "referred": 0}


def test_a_repeated_refusal_is_recorded_once(market, market_staff):
    declare(market, {"contact_case": True})
    client_id = uuid.uuid4()
    first = scan(market_staff, market, f"{PHONE} 1990", client_id=client_id)
    again = scan(market_staff, market, f"{PHONE} 1990", client_id=client_id)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert GateOutcome.objects.count() == 1


def test_a_hospital_refers_and_a_restaurant_lets_in_with_the_advice(small_map, users):
    hospital = make_venue(small_map.commune_a, "hospital", name="Bệnh viện Trung ương Huế")
    restaurant = make_venue(small_map.commune_a, "restaurant", name="Quán Cơm Bà Lan")
    staff = member(member(users["staff"], hospital), restaurant)
    declare(restaurant, {"contact_case": True})
    referred = scan(staff, hospital, f"{PHONE} 1990").json()
    assert (
        referred["outcome"] == "referred"
        and referred["advice"]["action"] == "refer"
        and referred["advice"]["instruction"]
    )
    entered = scan(staff, restaurant, f"{PHONE} 1990").json()
    assert entered["outcome"] == "entered" and entered["id"] and entered["advice"]["action"] == "admit"


def test_yellow_from_contact_with_a_symptomatic_person_says_so(venue, staff):
    declare(venue, {"contact_symptomatic": True})
    body = scan(staff, venue, f"{PHONE} 1990").json()
    assert body["status"] == "yellow"
    assert body["advice"]["reasons"] == ["contact_symptomatic"]
    # The version's own rule label, in the default language; never "symptoms declared".
    assert body["advice"]["reason_text"] == "Tiếp xúc với người có biểu hiện bệnh"


def test_yellow_from_symptoms_names_them(venue, staff):
    declare(venue, {"symptoms": ["fever", "cough"]})
    body = scan(staff, venue, f"{PHONE} 1990").json()
    assert body["advice"]["reasons"] == ["symptoms"] and body["advice"]["reason_text"].endswith(" sốt, ho")


def test_a_province_hotline_and_rule_win_over_the_national_ones(small_map, market, market_staff):
    HealthContact.objects.create(unit=small_map.province, hotline="0234 3822 222", health_station="Trạm y tế phường")
    ColourRule.objects.create(
        unit=small_map.province,
        venue_type=market.venue_type,
        status="red",
        action=GateAction.REFER,
        instruction="Ra lều sàng lọc",
    )
    declare(market, {"contact_case": True})
    body = scan(market_staff, market, f"{PHONE} 1990").json()
    assert body["outcome"] == "referred"
    assert body["advice"]["hotline"] == "0234 3822 222" and body["advice"]["instruction"] == "Ra lều sàng lọc"


def test_green_visitors_get_no_advice(venue, staff):
    declare(venue, {})
    body = scan(staff, venue, f"{PHONE} 1990").json()
    assert body["status"] == "green" and body["advice"] is None and body["outcome"] == "entered"


def test_the_self_check_in_answer_carries_the_advice(venue):
    body = declare(venue, {"contact_case": True})
    assert body["advice"]["hotline"] == "1900 9095" and body["advice"]["reasons"] == ["contact_case"]


# --- enrolment without a smartphone ---------------------------------------------------------


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def enrol(user, venue, number, *, name="Trần Văn Ba", year=1950, declaration=None, client_id=None):
    body = {
        "venue": venue.code,
        "client_id": str(client_id or uuid.uuid4()),
        "number": number,
        "full_name": name,
        "birth_year": year,
        "declaration": {"commitment": True, **(declaration or {})},
    }
    return ApiClient(user).post("/scans/enrol", body)


@pytest.mark.parametrize("number", ["0935 111 222", "191234567", "C1234567", "HC4 79 0123456789", "046090001234"])
def test_staff_enrol_a_new_person_from_a_typed_number(venue, staff, number):
    answer = enrol(staff, venue, number)
    body = answer.json()
    assert answer.status_code == 201, body
    assert body["created"] is True and "/card/" in body["card"] and body["outcome"] == "entered"
    person = Person.objects.get()
    assert person.birth_year == 1950 and person.full_name == "Trần Văn Ba"
    # The declaration is a claim until the person shows their ID card or personal QR.
    assert not Declaration.objects.get().proven and current_status(person_id=person.pk) == "undeclared"
    assert AuditEntry.objects.filter(object_type="person", purpose="gate: enrolment").count() == 1
    card = logged_in(staff).get(body["card"])
    assert card.status_code == 200 and card["Content-Type"] == "application/pdf"


def test_the_card_link_is_only_for_the_staff_who_enrolled(venue, staff, other_staff):
    body = enrol(staff, venue, "0935 111 222").json()
    assert logged_in(other_staff).get(body["card"]).status_code == 404


def test_the_bhyt_number_is_one_person_whatever_the_card_category(venue, staff):
    enrol(staff, venue, "HC4790123456789")
    again = enrol(staff, venue, "DN2790123456789").json()
    assert again["created"] is False and again["card"] == "" and Person.objects.count() == 1


def test_a_known_number_with_another_birth_year_is_refused_and_nothing_is_written(venue, staff):
    enrol(staff, venue, "191234567", year=1950)
    people, declarations = Person.objects.count(), Declaration.objects.count()
    refused = enrol(staff, venue, "191234567", name="Someone Else", year=1980)
    assert refused.status_code == 404 and refused.json()["code"] == "no_match"
    assert (Person.objects.count(), Declaration.objects.count()) == (people, declarations)
    assert Person.objects.get().full_name == "Trần Văn Ba"


def test_a_red_enrolment_at_a_market_is_refused(market, market_staff):
    body = enrol(market_staff, market, "0935 111 222", declaration={"contact_case": True}).json()
    assert body["outcome"] == "refused" and body["created"] is True and not Visit.objects.exists()


def test_enrolment_needs_a_birth_year_and_a_number(venue, staff):
    assert enrol(staff, venue, "hello").json()["code"] == "bad_number"


def test_refusals_are_deleted_with_the_retention_period(market, market_staff):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    declare(market, {"contact_case": True})
    scan(market_staff, market, f"{PHONE} 1990")
    GateOutcome.objects.update(at=timezone.now() - timedelta(days=40))
    call_command("purge", stdout=open("/dev/null", "w"))
    assert not GateOutcome.objects.exists()
