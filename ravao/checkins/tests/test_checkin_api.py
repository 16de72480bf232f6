"""POST /api/v1/checkins: the public self check-in contract."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from ravao.checkins.models import Channel, CheckinReplay, Visit
from ravao.checkins.tests.conftest import checkin_payload, person_payload
from ravao.people.models import Declaration, Person
from ravao.testing import ApiClient

GREEN = {"commitment": True, "symptoms": [], "contact_case": False, "contact_symptomatic": False, "visited": "Huế"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_it_checks_in_a_visitor_and_answers_201(venue):
    res = ApiClient().post("/checkins", checkin_payload(venue.code, declaration=GREEN))
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["status"] == "green"
    assert body["venue"] == {"code": venue.code, "name": venue.name}
    assert body["person"] == {"masked_name": "N. V. An", "birth_year": 1990}
    assert body["receipt"] and body["checked_in_at"] and body["repeat"] is False
    visit = Visit.objects.get()
    assert visit.id == body["id"] and visit.channel == Channel.SELF
    assert visit.checked_out_at - visit.checked_in_at == timedelta(minutes=venue.default_stay_minutes)
    assert Declaration.objects.get().questionnaire.version == "vn-2666-1"


def test_it_replays_the_same_client_id_with_the_same_body_and_no_new_row(venue):
    client = ApiClient()
    payload = checkin_payload(venue.code, declaration=GREEN)
    first = client.post("/checkins", payload)
    second = client.post("/checkins", payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Visit.objects.count() == 1 and Person.objects.count() == 1 and Declaration.objects.count() == 1
    assert CheckinReplay.objects.count() == 1


def test_it_finds_the_venue_by_its_poster_qr(venue):
    from ravao.codes.signing import venue_qr_url

    payload = checkin_payload("")
    payload["venue_qr"] = venue_qr_url(venue=venue)
    res = ApiClient().post("/checkins", payload)
    assert res.status_code == 201, res.content
    assert res.json()["venue"]["code"] == venue.code


def test_it_refuses_a_poster_with_a_bad_signature(venue):
    from ravao.codes.signing import venue_qr_url

    url = venue_qr_url(venue=venue)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    payload = checkin_payload("")
    payload["venue_qr"] = tampered
    res = ApiClient().post("/checkins", payload)
    assert res.status_code == 400
    assert res.json()["detail"]
    assert Visit.objects.count() == 0 and Person.objects.count() == 0


def test_it_refuses_a_replaced_poster(venue):
    from ravao.codes.signing import venue_qr_url

    url = venue_qr_url(venue=venue)
    type(venue).objects.filter(pk=venue.pk).update(code_version=venue.code_version + 1)
    payload = checkin_payload("")
    payload["venue_qr"] = url
    res = ApiClient().post("/checkins", payload)
    assert res.status_code == 410
    assert Visit.objects.count() == 0


def test_it_answers_404_for_an_unknown_venue(db):
    res = ApiClient().post("/checkins", checkin_payload("XXXXXXX"))
    assert res.status_code == 404 and "detail" in res.json()
    assert Person.objects.count() == 0


@pytest.mark.parametrize("status", ["suspended", "closed"])
def test_it_refuses_a_suspended_or_closed_venue(venue, status):
    type(venue).objects.filter(pk=venue.pk).update(status=status)
    res = ApiClient().post("/checkins", checkin_payload(venue.code))
    assert res.status_code == 409
    assert res.json()["code"] == f"venue_{status}"
    assert Person.objects.count() == 0 and Visit.objects.count() == 0


def test_it_refuses_an_event_outside_its_window_with_a_clear_message(event_venue):
    res = ApiClient().post("/checkins", checkin_payload(event_venue.code))
    assert res.status_code == 409
    assert res.json()["code"] == "event_closed"
    assert event_venue.name in res.json()["detail"]
    assert Visit.objects.count() == 0 and Person.objects.count() == 0


def test_it_accepts_an_event_within_its_grace_period(event_venue):
    now = timezone.now()
    type(event_venue).objects.filter(pk=event_venue.pk).update(
        starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3)
    )
    res = ApiClient().post("/checkins", checkin_payload(event_venue.code))
    assert res.status_code == 201


def test_it_attaches_a_vehicle_check_in_to_the_running_trip(bus):
    from ravao.venues.models import Trip

    now = timezone.now()
    Trip.objects.create(venue=bus, departs_at=now - timedelta(hours=5), arrives_at=now - timedelta(hours=4))
    running = Trip.objects.create(
        venue=bus, departs_at=now - timedelta(minutes=10), arrives_at=now + timedelta(minutes=40)
    )
    Trip.objects.create(venue=bus, departs_at=now + timedelta(hours=2), arrives_at=now + timedelta(hours=3))
    res = ApiClient().post("/checkins", checkin_payload(bus.code))
    assert res.status_code == 201
    assert res.json()["trip"] == running.pk
    assert Visit.objects.get().trip_id == running.pk


def test_it_checks_in_companions_in_the_same_submission(venue):
    companions = [
        {"full_name": "Nguyễn Bảo Ngọc", "birth_year": 2016},
        {"full_name": "Trần Thị Mai", "birth_year": 1948},
    ]
    res = ApiClient().post("/checkins", checkin_payload(venue.code, declaration=GREEN, companions=companions))
    assert res.status_code == 201, res.content
    body = res.json()
    assert [c["person"]["masked_name"] for c in body["companions"]] == ["N. B. Ngọc", "T. T. Mai"]
    assert all(c["status"] == "green" for c in body["companions"])
    main = Person.objects.get(guardian__isnull=True)
    assert main.companions.count() == 2
    visits = Visit.objects.filter(companion_of=body["id"])
    assert visits.count() == 2 and {v.channel for v in visits} == {Channel.COMPANION}


def test_it_reuses_known_companions_on_the_next_visit(venue, other_venue):
    companions = [{"full_name": "Nguyễn Bảo Ngọc", "birth_year": 2016}]
    client = ApiClient()
    assert client.post("/checkins", checkin_payload(venue.code, companions=companions)).status_code == 201
    assert client.post("/checkins", checkin_payload(other_venue.code, companions=companions)).status_code == 201
    assert Person.objects.count() == 2


def test_it_refuses_a_companion_without_a_birth_year(venue):
    res = ApiClient().post("/checkins", checkin_payload(venue.code, companions=[{"full_name": "Bé Na"}]))
    assert res.status_code == 422
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "person, code",
    [
        ({"full_name": "", "phone": "0912345678"}, "name_required"),
        ({"full_name": "Nguyễn Văn An"}, "contact_required"),
        ({"full_name": "Nguyễn Văn An", "phone": "12"}, "bad_phone"),
        ({"full_name": "Nguyễn Văn An", "id_number": "1234"}, "bad_id_number"),
        ({"full_name": "Nguyễn Văn An", "phone": "0912345678", "birth_year": 1800}, "bad_birth_year"),
        ({"full_name": "Nguyễn Văn An", "phone": "0912345678", "nationality": "Việt"}, "bad_nationality"),
    ],
)
def test_it_refuses_invalid_people_and_writes_nothing(venue, person, code):
    res = ApiClient().post("/checkins", checkin_payload(venue.code, person=person))
    assert res.status_code == 400, res.content
    assert res.json()["code"] == code
    assert Person.objects.count() == 0 and Visit.objects.count() == 0 and CheckinReplay.objects.count() == 0


def test_it_refuses_unknown_declaration_answers(venue):
    res = ApiClient().post(
        "/checkins", checkin_payload(venue.code, declaration={"commitment": True, "symptoms": ["headache"]})
    )
    assert res.status_code == 400 and res.json()["code"] == "bad_declaration"
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "answers, status",
    [
        ({"commitment": True}, "green"),
        ({"commitment": True, "symptoms": ["fever"]}, "yellow"),
        ({"commitment": True, "contact_symptomatic": True}, "yellow"),
        ({"commitment": True, "contact_case": True, "symptoms": ["cough"]}, "red"),
    ],
)
def test_it_colours_the_visit_from_the_declaration(venue, answers, status):
    res = ApiClient().post("/checkins", checkin_payload(venue.code, declaration=answers))
    assert res.json()["status"] == status


def test_a_visitor_without_a_valid_declaration_is_undeclared(venue):
    res = ApiClient().post("/checkins", checkin_payload(venue.code))
    assert res.json()["status"] == "undeclared"


def test_the_same_phone_and_name_and_the_id_number_find_the_same_person(venue, other_venue):
    client = ApiClient()
    client.post("/checkins", checkin_payload(venue.code, person=person_payload(id_number="001090012345")))
    client.post(
        "/checkins", checkin_payload(other_venue.code, person=person_payload(full_name="nguyen van an", id_number=""))
    )
    client.post(
        "/checkins", checkin_payload(other_venue.code, person={"full_name": "An", "id_number": "001 090 012 345"})
    )
    assert Person.objects.count() == 1
    assert Visit.objects.values("person_id").distinct().count() == 1


def test_a_shared_phone_with_another_name_is_another_person(venue):
    client = ApiClient()
    client.post("/checkins", checkin_payload(venue.code))
    client.post("/checkins", checkin_payload(venue.code, person=person_payload(full_name="Nguyễn Thị Hoa")))
    assert Person.objects.count() == 2


def again(venue, first, **extra):
    """A later check-in from the same device: it sends the holder link it was given."""
    return {**checkin_payload(venue.code, **extra), "holder": first["holder"]}


def test_a_repeat_within_the_window_is_the_same_visit(venue):
    client = ApiClient()
    first = client.post("/checkins", checkin_payload(venue.code)).json()
    second = client.post("/checkins", again(venue, first))
    assert second.status_code == 200
    assert second.json()["id"] == first["id"] and second.json()["repeat"] is True
    assert Visit.objects.count() == 1


def test_without_the_holder_link_a_repeat_is_a_new_visit_that_reveals_nothing(venue):
    # Anybody can type the visitor's phone and name: they must not get the visitor's own
    # visit (its receipt checks it out), nor learn that the visitor is here.
    client = ApiClient()
    first = client.post("/checkins", checkin_payload(venue.code, declaration=GREEN)).json()
    second = client.post("/checkins", checkin_payload(venue.code))
    assert second.status_code == 201 and second.json()["id"] != first["id"] and second.json()["repeat"] is False
    assert second.json()["status"] == "undeclared"
    assert Visit.objects.get(id=first["id"]).checkout_method == "auto"


@override_settings(RAVAO_REPEAT_SCAN_MINUTES=0)
def test_a_repeat_outside_the_window_is_a_new_visit_and_closes_the_old_one(venue):
    client = ApiClient()
    first = client.post("/checkins", checkin_payload(venue.code)).json()
    second = client.post("/checkins", again(venue, first))
    assert second.status_code == 201 and second.json()["id"] != first["id"]
    old = Visit.objects.get(id=first["id"])
    assert old.checked_out_at <= Visit.objects.get(id=second.json()["id"]).checked_in_at


@override_settings(RAVAO_CHECKIN_RATE_LIMIT=2)
def test_it_rate_limits_public_check_ins(venue):
    client = ApiClient()
    first = client.post("/checkins", checkin_payload(venue.code))
    assert first.status_code == 201
    assert client.post("/checkins", again(venue, first.json())).status_code == 200
    res = client.post("/checkins", checkin_payload(venue.code))
    assert res.status_code == 429 and res.json()["code"] == "rate_limited"


def test_a_client_id_used_by_staff_cannot_be_replayed_publicly(venue, staff):
    client_id = uuid.uuid4()
    CheckinReplay.objects.create(
        client_id=client_id, actor=f"user:{staff.pk}", body={"secret": 1}, created_at=timezone.now()
    )
    res = ApiClient().post("/checkins", checkin_payload(venue.code, client_id=client_id))
    assert res.status_code == 409 and "secret" not in res.content.decode()


def test_the_check_in_costs_few_queries(venue, django_assert_max_num_queries):
    client = ApiClient()
    first = client.post("/checkins", checkin_payload(venue.code, declaration=GREEN)).json()
    # A replay runs the work and rolls it back (the normal path saves the replay lookup):
    # savepoint, person, visit, replay claim, rollback, stored answer, the holder link's person,
    # and which declaration form version is current (read per check-in: a publication counts
    # at once in every worker).
    with django_assert_max_num_queries(8):
        res = client.post("/checkins", again(venue, first, declaration=GREEN))
    assert res.status_code == 200


def test_the_holder_link_is_not_kept_in_the_replay_table_but_replays_still_give_it(venue):
    client = ApiClient()
    payload = checkin_payload(venue.code)
    first = client.post("/checkins", payload).json()
    assert "holder" not in CheckinReplay.objects.get().body
    assert client.post("/checkins", payload).json()["holder"] == first["holder"]


@override_settings(RAVAO_CHECKIN_RATE_LIMIT=1, RAVAO_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_behind_a_proxy_the_rate_limit_counts_each_visitor_address(venue):
    client = ApiClient()
    for ip in ("10.0.0.1", "10.0.0.2"):
        res = client.post("/checkins", checkin_payload(venue.code), HTTP_X_REAL_IP=ip)
        assert res.status_code in (200, 201)
    assert client.post("/checkins", checkin_payload(venue.code), HTTP_X_REAL_IP="10.0.0.1").status_code == 429


def test_the_automatic_check_out_on_a_vehicle_is_the_trip_arrival(bus):
    from ravao.venues.models import Trip

    now = timezone.now()
    trip = Trip.objects.create(venue=bus, departs_at=now - timedelta(minutes=5), arrives_at=now + timedelta(minutes=20))
    ApiClient().post("/checkins", checkin_payload(bus.code))
    assert Visit.objects.get().checked_out_at == trip.arrives_at


def test_the_automatic_check_out_at_an_event_is_its_end_plus_grace(event_venue):
    now = timezone.now()
    type(event_venue).objects.filter(pk=event_venue.pk).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=30)
    )
    res = ApiClient().post("/checkins", checkin_payload(event_venue.code))
    assert res.status_code == 201
    visit = Visit.objects.get()
    assert visit.checked_out_at == now - timedelta(minutes=30) + timedelta(minutes=60)


def test_the_address_unit_is_a_unit_code(venue, small_map):
    person = person_payload(address={"unit": small_map.commune_a.code, "street": "12 Lê Lợi"})
    assert ApiClient().post("/checkins", checkin_payload(venue.code, person=person)).status_code == 201
    stored = Person.objects.get()
    assert stored.unit == small_map.commune_a and stored.street == "12 Lê Lợi"
    bad = person_payload(phone="0987654321", address={"unit": "99999"})
    res = ApiClient().post("/checkins", checkin_payload(venue.code, person=bad))
    assert res.status_code == 400 and res.json()["code"] == "bad_unit"
