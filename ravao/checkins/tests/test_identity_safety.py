"""What somebody who only knows another person's ID number or phone (and name) can do through
the public check-in and the gate: not open their QR page, not change their phone or identity,
not read their colour at the gate by typing their number."""

import re
import uuid

import pytest
from django.test import Client, override_settings

from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import checkin_payload
from ravao.people.models import Person
from ravao.people.services import holder_person_id
from ravao.testing import ApiClient

VICTIM = {"full_name": "Trần Thị Bình", "phone": "0912345678", "id_number": "001090012345", "birth_year": 1990}
RED = {"commitment": True, "symptoms": [], "contact_case": True, "contact_symptomatic": False}


def checkin(venue, person, **extra):
    body = checkin_payload(venue.code, person=person)
    body.update(extra)
    return ApiClient().post("/checkins", body)


@pytest.fixture
def victim(venue):
    res = checkin(venue, VICTIM)
    assert res.status_code == 201 and res.json()["holder"]  # a new person gets their link
    Visit.objects.all().delete()
    return Person.objects.get(), res.json()["holder"]


def test_an_id_number_alone_gives_neither_the_holder_link_nor_the_phone(venue, victim):
    person, _holder = victim
    res = checkin(venue, {"full_name": "Kẻ Gian", "phone": "0987 654 321", "id_number": "001090012345"})
    assert res.status_code == 201 and res.json()["holder"] == ""
    person.refresh_from_db()
    assert person.phone == "+84912345678" and person.full_name == "Trần Thị Bình"
    assert Person.objects.count() == 1


def test_an_id_number_alone_reads_nothing_stored_about_the_person(venue, victim):
    checkin(venue, VICTIM, declaration=RED, holder=victim[1])
    res = checkin(venue, {"full_name": "Kẻ Gian", "phone": "0987654321", "id_number": "001090012345"})
    body = res.json()
    assert body["status"] == "undeclared" and body["person"] == {"masked_name": "K. Gian", "birth_year": None}
    page = Client().get(f"/r/{body['id']}/{body['receipt']}").content.decode()
    assert "1990" not in page and "/people/me/" not in page
    # The person's own device still sees all of it.
    mine = checkin(venue, VICTIM, holder=victim[1]).json()
    assert mine["status"] == "red" and mine["person"] == {"masked_name": "T. T. Bình", "birth_year": 1990}


def test_a_phone_and_name_alone_give_no_holder_link_and_change_nothing(venue, victim):
    person, _holder = victim
    res = checkin(venue, {"full_name": "tran thi binh", "phone": "0912 345 678", "birth_year": 1991, "sex": "male"})
    assert res.status_code == 201 and res.json()["holder"] == ""
    person.refresh_from_db()
    assert person.birth_year == 1990 and person.sex == "male"  # values stay, blanks fill
    assert Person.objects.count() == 1


def test_a_replay_of_such_a_check_in_gives_no_holder_link_either(venue, victim):
    body = checkin_payload(
        venue.code, person={"full_name": "Kẻ Gian", "phone": "0987654321", "id_number": "001090012345"}
    )
    client = ApiClient()
    assert client.post("/checkins", body).json()["holder"] == ""
    again = client.post("/checkins", body)
    assert again.status_code == 200 and again.json()["holder"] == ""
    assert "holder_given" not in again.json()


def test_the_one_tap_device_that_sends_its_holder_link_gets_it_and_may_change_the_phone(venue, victim):
    person, holder = victim
    res = checkin(venue, {**VICTIM, "phone": "0987 654 321"}, holder=holder)
    assert res.status_code == 201 and holder_person_id(res.json()["holder"]) == person.pk
    person.refresh_from_db()
    assert person.phone == "+84987654321"


def test_a_holder_link_of_somebody_else_proves_nothing(venue, victim):
    person, _holder = victim
    other = checkin(venue, {"full_name": "Kẻ Gian", "phone": "0987654321"}).json()["holder"]
    res = checkin(venue, {**VICTIM, "phone": "0987 654 321"}, holder=other)
    assert res.json()["holder"] == ""
    person.refresh_from_db()
    assert person.phone == "+84912345678"


def test_the_confirmation_page_links_the_personal_qr_only_for_the_owner(venue, victim):
    person, holder = victim

    def submit(**fields):
        client = Client()
        html = client.get(f"/c/{venue.code}").content.decode()
        client_id = re.search(r'name="client_id" value="([^"]+)"', html).group(1)
        data = {
            "client_id": client_id,
            "q_contact_case": "no",
            "q_contact_symptomatic": "no",
            "q_commitment": "yes",
            "birth_year": "1970",
            **fields,
        }
        res = client.post(f"/c/{venue.code}", data)
        assert res.status_code == 302, res.content.decode()[:300]
        return res["Location"], client.get(res["Location"]).content.decode()

    url, html = submit(full_name="Kẻ Gian", phone="0987654321", id_number="001090012345")
    assert "/people/me/" not in html and holder not in url
    # Adding someone's holder link to a receipt URL does not work for another person's visit.
    stranger = checkin(venue, {"full_name": "Lê Văn Cường", "phone": "0905111222"}).json()
    forged = Client().get(f"/r/{stranger['id']}/{stranger['receipt']}?h={holder}")
    assert forged.status_code == 200 and "/people/me/" not in forged.content.decode()

    # The owner's device sends its link (visitor.js puts it in the hidden field): it shows.
    url, html = submit(**{**VICTIM, "phone": "0912345678", "holder": holder})
    (link,) = re.findall(r'href="/people/me/([^/"]+)/"', html)
    assert holder_person_id(link) == person.pk
    # A new visitor gets theirs at once.
    url, html = submit(full_name="Phạm Thị Dung", phone="0905333444")
    assert html.count("/people/me/") == 1


def test_a_typed_number_needs_the_matching_birth_year_and_writes_nothing_otherwise(venue, staff, victim):
    checkin(venue, VICTIM, declaration=RED, holder=victim[1])
    Visit.objects.all().delete()
    client = ApiClient(staff)

    def scan(text, **extra):
        return client.post("/scans", {"venue": venue.code, "text": text, "client_id": str(uuid.uuid4()), **extra})

    for res, status, code in (
        (scan("0912 345 678"), 400, "birth_year_required"),
        (scan("0912 345 678", birth_year=1985), 404, "no_match"),
        (scan("001090012345 1985"), 404, "no_match"),
    ):
        assert (res.status_code, res.json()["code"]) == (status, code)
        assert set(res.json()) == {"detail", "code"} and "Bình" not in res.json()["detail"]
    # Issue 14 (2): a wrong year and an unknown number are one answer (no existence oracle).
    unknown = scan("0987 654 321", birth_year=1985)
    assert (unknown.status_code, unknown.json()) == (404, scan("0912 345 678", birth_year=1985).json())
    assert Visit.objects.count() == 0
    ok = scan("0912 345 678", birth_year=1990)
    assert ok.status_code == 201 and ok.json()["status"] == "red"
    # Today's gate sends only the text: the year typed after the number works too.
    assert scan("001090012345 1990", direction="out").status_code == 200
    assert scan("0912345678/1990").status_code == 201


def test_a_person_without_a_birth_year_cannot_be_found_by_typing_their_number(venue, staff):
    checkin(venue, {"full_name": "Lê Văn Cường", "phone": "0905111222"})
    res = ApiClient(staff).post(
        "/scans", {"venue": venue.code, "text": "0905111222", "birth_year": 1990, "client_id": str(uuid.uuid4())}
    )
    assert res.status_code == 404 and res.json()["code"] == "no_match"


@override_settings(RAVAO_SCAN_RATE_LIMIT=3)
def test_scans_are_limited_per_staff_account(venue, staff, other_staff, victim):
    from ravao.checkins.tests.conftest import member

    member(other_staff, venue)

    def scan(user):
        return ApiClient(user).post(
            "/scans", {"venue": venue.code, "text": "0912345678", "birth_year": 1990, "client_id": str(uuid.uuid4())}
        )

    assert [scan(staff).status_code for _ in range(4)] == [201, 200, 200, 429]
    assert scan(staff).json()["code"] == "rate_limited"
    assert scan(other_staff).status_code == 200  # another account (another gate) is not held back


def test_an_id_card_text_that_contradicts_the_record_is_refused_and_changes_nothing(venue, staff, victim):
    """Issue 14 (2): a made-up card text holding only a victim's ID number."""
    person, _holder = victim
    fake = "001090012345|123456789|Kẻ Gian|01011980|Nam|1 Đường Giả, Huế|01072021"
    res = ApiClient(staff).post("/scans", {"venue": venue.code, "text": fake, "client_id": str(uuid.uuid4())})
    assert res.status_code == 422 and res.json()["code"] == "card_mismatch"
    assert "Bình" not in res.content.decode() and "1990" not in res.content.decode()
    person.refresh_from_db()
    assert (person.full_name, person.birth_year, person.id_number) == ("Trần Thị Bình", 1990, "001090012345")
    assert person.sex == "" and person.street == ""
    assert not Visit.objects.filter(person=person, venue=venue).exists()


def test_an_id_card_text_that_agrees_fills_blanks_only(venue, staff, victim):
    person, _holder = victim
    card = "001090012345|123456789|Trần Thị Bình|01011990|Nữ|1 Lê Lợi, Huế|01072021"
    res = ApiClient(staff).post("/scans", {"venue": venue.code, "text": card, "client_id": str(uuid.uuid4())})
    assert res.status_code == 201
    person.refresh_from_db()
    assert (person.full_name, person.birth_year, person.sex, person.street) == (
        "Trần Thị Bình",
        1990,
        "female",
        "1 Lê Lợi, Huế",
    )
