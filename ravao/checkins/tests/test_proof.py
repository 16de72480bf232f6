"""Issue 14: nobody can change what gates show about someone else (docs/identity.md).

Reproductions of the attacks, through the API and the visitor page, and a property test: for
any interleaving of proven and unproven declarations, the colour a gate shows is the colour
of the latest proven one.
"""

import base64
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ravao.accounts.devices import scan_message
from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import CCCD_7, checkin_payload, member
from ravao.people.models import Declaration, Person
from ravao.testing import ApiClient, Role, make_user

VICTIM = {"full_name": "Trần Thị Bình", "phone": "0912345678", "id_number": "001090012345", "birth_year": 1990}
ANSWERS = {
    "red": {"commitment": True, "symptoms": [], "contact_case": True, "contact_symptomatic": False},
    "yellow": {"commitment": True, "symptoms": ["cough"], "contact_case": False, "contact_symptomatic": False},
    "green": {"commitment": True, "symptoms": [], "contact_case": False, "contact_symptomatic": False},
}


def checkin(venue, person, colour=None, holder=""):
    body = checkin_payload(venue.code, person=person, declaration=ANSWERS[colour] if colour else None)
    if holder:
        body["holder"] = holder
    return ApiClient().post("/checkins", body)


def gate_colour(staff, venue, number="0912345678", year=1990):
    res = ApiClient(staff).post(
        "/scans", {"venue": venue.code, "text": f"{number} {year}", "client_id": str(uuid.uuid4())}
    )
    assert res.status_code in (200, 201), res.json()
    return res.json()["status"]


@pytest.fixture
def victim(venue):
    res = checkin(venue, VICTIM, "green")
    assert res.status_code == 201 and res.json()["holder"]
    return Person.objects.get(), res.json()["holder"]


def test_an_anonymous_red_claim_does_not_change_the_victims_gate_colour(venue, staff, victim):
    attack = checkin(venue, {"full_name": "Ai Đó", "id_number": VICTIM["id_number"], "birth_year": 1991}, "red")
    assert attack.status_code == 201 and attack.json()["status"] == "red"  # what was claimed, echoed
    assert attack.json()["person"]["masked_name"] == "A. Đó" and attack.json()["holder"] == ""
    assert gate_colour(staff, venue) == "green"
    claim = Declaration.objects.get(status="red")
    assert claim.proven is False and claim.person_id == victim[0].pk  # kept for tracers, as a claim
    assert Visit.objects.get(id=attack.json()["id"]).proven is False


def test_an_anonymous_green_claim_does_not_clear_a_red_person(venue, staff, victim):
    assert checkin(venue, VICTIM, "red", holder=victim[1]).status_code in (200, 201)
    assert gate_colour(staff, venue) == "red"
    checkin(venue, {"full_name": "Ai Đó", "id_number": VICTIM["id_number"], "birth_year": 1991}, "green")
    assert gate_colour(staff, venue) == "red"


def test_the_visitor_page_keeps_the_same_rule(venue, staff, victim):
    res = Client().post(
        f"/c/{venue.code}",
        {
            "client_id": str(uuid.uuid4()),
            "full_name": "Ai Đó",
            "id_number": VICTIM["id_number"],
            "birth_year": "1990",
            "q_contact_case": "yes",
            "q_commitment": "yes",
            "commitment": "on",
        },
    )
    assert res.status_code == 302, res.content.decode()[:300]
    assert gate_colour(staff, venue) == "green"
    assert not Declaration.objects.filter(person=victim[0], proven=False, status="green").exists()


def test_the_victims_own_device_still_changes_their_colour(venue, staff, victim):
    assert checkin(venue, VICTIM, "yellow", holder=victim[1]).json()["status"] == "yellow"
    assert gate_colour(staff, venue) == "yellow"


def test_a_declaration_staff_record_counts_only_after_a_card_or_personal_qr(venue, staff, victim):
    api = ApiClient(staff)
    typed = api.post("/scans", {"venue": venue.code, "text": "0912345678 1990", "client_id": str(uuid.uuid4())}).json()
    assert (
        api.post(
            "/scans/declaration", {"venue": venue.code, "visit": typed["id"], "declaration": ANSWERS["red"]}
        ).status_code
        == 201
    )
    assert gate_colour(staff, venue) == "green"  # a typed number is not the card
    card = checkin(venue, {"full_name": "Lê Văn Cường", "id_number": "046095001234", "birth_year": 1995}, "green")
    assert card.status_code == 201
    Visit.objects.all().delete()
    seen = api.post(
        "/scans",
        {
            "venue": venue.code,
            "text": "046095001234|Lê Văn Cường|02021995|Nam|5 Trần Hưng Đạo, Huế|10082021",
            "client_id": str(uuid.uuid4()),
        },
    ).json()
    assert (
        api.post(
            "/scans/declaration", {"venue": venue.code, "visit": seen["id"], "declaration": ANSWERS["red"]}
        ).status_code
        == 201
    )
    assert gate_colour(staff, venue, "046095001234", 1995) == "red"


# --- back-dated scans ----------------------------------------------------------------------


def enrol(user):
    private = ec.generate_private_key(ec.SECP256R1())
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    res = ApiClient(user).post("/devices", {"public_key": base64.b64encode(spki).decode()})
    assert res.status_code == 201
    return private, res.json()["id"]


def signed_scan(venue, private, device, minutes_ago, text=CCCD_7):
    at = (timezone.now() - timedelta(minutes=minutes_ago)).replace(microsecond=123000)
    body = {
        "venue": venue.code,
        "text": text,
        "client_id": str(uuid.uuid4()),
        "scanned_at": at.isoformat(),
        "direction": "in",
        "entrance": None,
    }
    if private is not None:
        message = scan_message(
            client_id=body["client_id"],
            venue=body["venue"],
            entrance_id=None,
            direction="in",
            scanned_at=at,
            text=text,
            birth_year=None,
        )
        r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
        body.update(device=device, signature=base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode())
    return body


def test_a_back_dated_scan_needs_the_signature_of_an_enrolled_gate_phone(venue, staff, other_staff):
    api = ApiClient(staff)
    unsigned = api.post("/scans", signed_scan(venue, None, None, 48 * 60))
    assert unsigned.status_code == 400 and unsigned.json()["code"] == "backdated_unsigned"
    assert Visit.objects.count() == 0
    private, device = enrol(staff)
    ok = api.post("/scans", signed_scan(venue, private, device, 48 * 60))
    assert ok.status_code == 201
    assert Visit.objects.get().checked_in_at < timezone.now() - timedelta(hours=47)
    # Another account's phone, or a date changed after signing: refused.
    member(other_staff, venue)
    theirs_private, theirs = enrol(other_staff)
    assert api.post("/scans", signed_scan(venue, theirs_private, theirs, 60)).json()["code"] == "backdated_unsigned"
    tampered = signed_scan(venue, private, device, 60)
    tampered["scanned_at"] = (timezone.now() - timedelta(minutes=90)).isoformat()
    assert api.post("/scans", tampered).json()["code"] == "backdated_unsigned"
    # A scan of a few minutes ago (a slow network) needs nothing.
    assert api.post("/scans", signed_scan(venue, None, None, 2, text="0912345678 1990")).status_code in (201, 404)


# --- the property ----------------------------------------------------------------------------


@override_settings(RAVAO_CHECKIN_RATE_LIMIT=100_000, RAVAO_SCAN_RATE_LIMIT=100_000)
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(st.tuples(st.booleans(), st.sampled_from(["green", "yellow", "red"])), min_size=1, max_size=6))
def test_the_colour_shown_is_the_latest_proven_declaration(venue, staff, steps):
    number = f"0{uuid.uuid4().int % 10**11:011d}"
    person = {"full_name": "Phan Văn Thử", "id_number": number, "birth_year": 1980}
    first = checkin(venue, person)
    assert first.status_code == 201
    holder = first.json()["holder"]
    expected = "undeclared"
    for proven, colour in steps:
        res = checkin(
            venue,
            person if proven else {"full_name": "Kẻ Khác", "id_number": number, "birth_year": 1981},
            colour,
            holder=holder if proven else "",
        )
        assert res.status_code in (200, 201), res.json()
        if proven:
            expected = colour
    assert gate_colour(staff, venue, number, 1980) == expected


def test_a_staff_account_without_a_venue_cannot_enrol_for_anyone_else(users):
    outsider = make_user("outsider", Role.TRACER, None)
    assert ApiClient(outsider).post("/devices", {"public_key": "AA"}).status_code == 403


# --- typed numbers and card texts leave a trace; a number cannot be tried for ever ----------


@override_settings(RAVAO_TYPED_NUMBER_LIMIT=3)
def test_one_number_is_limited_whichever_accounts_type_it(venue, staff, other_staff, victim):
    member(other_staff, venue)
    answers = [
        ApiClient(user)
        .post(
            "/scans", {"venue": venue.code, "text": "0912 345 678", "birth_year": year, "client_id": str(uuid.uuid4())}
        )
        .status_code
        for user, year in ((staff, 1981), (other_staff, 1982), (staff, 1983), (other_staff, 1990))
    ]
    assert answers == [404, 404, 404, 429]
    assert (
        ApiClient(staff)
        .post("/scans", {"venue": venue.code, "text": "0987 654 321 1990", "client_id": str(uuid.uuid4())})
        .status_code
        == 404
    )  # another number


def test_typed_numbers_and_refused_card_texts_are_audited(venue, staff, victim):
    from ravao.audit.models import AuditEntry

    api = ApiClient(staff)
    assert api.post(
        "/scans", {"venue": venue.code, "text": "0912345678 1990", "client_id": str(uuid.uuid4())}
    ).status_code in (200, 201)
    assert (
        api.post("/scans", {"venue": venue.code, "text": "0912345678 1970", "client_id": str(uuid.uuid4())}).status_code
        == 404
    )
    forged = "001090012345||WRONG NAME|01012000|Nu|nowhere|01012021"
    assert api.post("/scans", {"venue": venue.code, "text": forged, "client_id": str(uuid.uuid4())}).status_code == 422
    entries = {(e.object_type, e.username) for e in AuditEntry.objects.all()}
    assert {("person", "staff"), ("no_match", "staff"), ("card_mismatch", "staff")} <= entries
    assert all(e.unit_id == venue.unit_id for e in AuditEntry.objects.filter(username="staff"))
    assert "0912345678" not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


# --- replays ----------------------------------------------------------------------------------


def test_a_replay_after_the_qr_was_replaced_gives_no_link(venue):
    from ravao.people.services import holder_person_id, personal_qr_reissue

    body = checkin_payload(
        venue.code, person={"full_name": "Hồ Văn Mới", "id_number": "046099000777", "birth_year": 1999}
    )
    first = ApiClient().post("/checkins", body)
    assert first.status_code == 201 and first.json()["holder"]
    again = ApiClient().post("/checkins", {**body, "person": {"full_name": "x", "phone": "0911111111"}})
    assert again.status_code == 200 and again.json()["holder"] == first.json()["holder"]  # the original answer
    person = Person.objects.get(pk=holder_person_id(first.json()["holder"]))
    personal_qr_reissue(person=person)  # lost or shared: replaced
    replay = ApiClient().post("/checkins", body)
    assert replay.status_code == 200 and replay.json()["holder"] == ""
    assert replay.json()["id"] == first.json()["id"]
