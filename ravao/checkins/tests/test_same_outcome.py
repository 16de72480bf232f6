"""One check-in path: the visitor page and the API, `ravao scan` and the scan API give the same
outcome for the same input (they share client_ids: one answers what the other recorded), and
the page checks a poster once."""

import uuid
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import CCCD_7, checkin_payload
from ravao.people.models import Declaration
from ravao.testing import ApiClient

FORM = {
    "full_name": "Nguyễn Văn An",
    "phone": "0912345678",
    "birth_year": "1990",
    "q_symptoms": ["cough"],
    "q_contact_case": "no",
    "q_contact_symptomatic": "no",
    "q_commitment": "yes",
}
PERSON = {"full_name": "Nguyễn Văn An", "phone": "0912345678", "birth_year": 1990}
DECLARATION = {
    "commitment": True,
    "symptoms": ["cough"],
    "contact_case": False,
    "contact_symptomatic": False,
    "visited": "",
}


def page_checkin(venue, client_id, **fields):
    return Client().post(f"/c/{venue.code}", {**FORM, "client_id": str(client_id), **fields})


def api_checkin(venue, client_id, **extra):
    return ApiClient().post(
        "/checkins", checkin_payload(venue.code, person=PERSON, declaration=DECLARATION, client_id=client_id, **extra)
    )


def confirmation_of(answer: dict) -> str:
    return f"/r/{answer['id']}/{answer['receipt']}?{urlencode({'h': answer['holder']})}"


def test_the_page_records_the_visit_the_api_would(venue):
    page = page_checkin(venue, uuid.uuid4())
    by_page = Visit.objects.get()
    Visit.objects.all().delete()
    Declaration.objects.all().delete()
    answer = (
        ApiClient()
        .post(
            "/checkins", checkin_payload(venue.code, person={**PERSON, "phone": "0987654321"}, declaration=DECLARATION)
        )
        .json()
    )
    by_api = Visit.objects.get()
    fields = ("status", "channel", "checkout_method", "entrance_id", "trip_id")
    assert (
        [getattr(by_page, f) for f in fields]
        == [getattr(by_api, f) for f in fields]
        == [answer["status"], answer["channel"], answer["checkout_method"], None, None]
    )
    assert by_page.checked_out_at - by_page.checked_in_at == by_api.checked_out_at - by_api.checked_in_at
    assert page.status_code == 302 and page["Location"].startswith(f"/r/{by_page.id}/")


def test_the_page_answers_a_client_id_the_api_recorded_with_the_same_visit(venue):
    client_id = uuid.uuid4()
    answer = api_checkin(venue, client_id).json()
    page = page_checkin(venue, client_id)
    assert page.status_code == 302 and page["Location"] == confirmation_of(answer)
    assert Visit.objects.count() == 1


def test_the_api_answers_a_client_id_the_page_recorded_with_the_same_visit(venue):
    client_id = uuid.uuid4()
    page = page_checkin(venue, client_id)
    res = api_checkin(venue, client_id)
    assert res.status_code == 200 and page["Location"] == confirmation_of(res.json())
    assert Visit.objects.count() == 1


def test_the_poster_page_checks_the_poster_once_per_check_in(venue, monkeypatch):
    from ravao.checkins import places
    from ravao.codes import signing

    calls = []
    verify = places.verify_venue_token
    monkeypatch.setattr(places, "verify_venue_token", lambda *a, **k: calls.append(1) or verify(*a, **k))
    token = signing.venue_qr_url(venue=venue).rsplit("/v/", 1)[1]
    res = Client().post(f"/v/{token}", {**FORM, "client_id": str(uuid.uuid4())})
    assert res.status_code == 302 and Visit.objects.count() == 1
    assert len(calls) == 1


# --- gate: `ravao scan` and POST /api/v1/scans ------------------------------------------------

# (direction, client_id step to reuse or None) -> what the command prints, what the API answers
STEPS = [
    ("in", None, "checked in", 201),
    ("in", None, "already inside", 200),
    ("out", None, "checked out", 200),
    ("out", None, "checked out", 200),
    ("in", 0, "recorded", 200),  # step 0's client_id again: a replay
]


def cli_scan(venue, staff, client_id, direction):
    out = StringIO()
    call_command(
        "scan",
        "--venue",
        venue.code,
        "--user",
        staff.username,
        "--text",
        CCCD_7,
        "--direction",
        direction,
        "--client-id",
        str(client_id),
        stdout=out,
    )
    line = out.getvalue()
    visit_id = int(line.rsplit("visit ", 1)[1])
    return line, visit_id


def api_scan(venue, staff, client_id, direction):
    return ApiClient(staff).post(
        "/scans", {"venue": venue.code, "text": CCCD_7, "client_id": str(client_id), "direction": direction}
    )


@pytest.mark.parametrize("interface", ["cli", "api"])
def test_ravao_scan_and_the_api_give_the_same_outcome_step_by_step(venue, staff, interface):
    client_ids = [uuid.uuid4() for _ in STEPS]
    visit_ids = set()
    for i, (direction, reuse, said, status) in enumerate(STEPS):
        client_id = client_ids[reuse if reuse is not None else i]
        if interface == "cli":
            line, visit_id = cli_scan(venue, staff, client_id, direction)
            assert f"T. T. Bình (1990) {said} at {venue.name} [undeclared]" in line, (i, line)
        else:
            res = api_scan(venue, staff, client_id, direction)
            body = res.json()
            assert res.status_code == status, (i, body)
            assert body["person"]["masked_name"] == "T. T. Bình" and body["status"] == "undeclared"
            visit_id = body["id"]
        visit_ids.add(visit_id)
    assert visit_ids == {Visit.objects.get().id}


def test_ravao_scan_and_the_api_answer_each_others_client_ids(venue, staff):
    client_id = uuid.uuid4()
    answer = api_scan(venue, staff, client_id, "in").json()
    line, visit_id = cli_scan(venue, staff, client_id, "in")
    assert visit_id == answer["id"] and "recorded" in line and f"[{answer['status']}]" in line

    other = uuid.uuid4()
    Visit.objects.all().delete()
    line, visit_id = cli_scan(venue, staff, other, "in")
    res = api_scan(venue, staff, other, "in")
    assert "checked in" in line and res.status_code == 200 and res.json()["id"] == visit_id
    assert Visit.objects.count() == 1
