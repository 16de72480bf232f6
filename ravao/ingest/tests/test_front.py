"""The ingestion front (ravao/ingest): the hot paths answered by the front with group commit,
everything else by Django, on one ASGI app."""

import uuid

import pytest
from django.test import override_settings

from ravao.checkins.models import CheckinReplay, Visit
from ravao.checkins.tests.conftest import CCCD_7, checkin_payload
from ravao.ingest.front import Front
from ravao.ingest.testing import FrontClient
from ravao.ingest.tests.conftest import postgres_only
from ravao.testing import ApiClient

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@postgres_only
def test_a_check_in_is_answered_by_the_front_and_replayed_with_the_same_id(venue):
    front = FrontClient()
    body = checkin_payload(venue.code)
    first = front.post("/checkins", body)
    assert first.status == 201, first.content
    assert first.headers["content-language"] == "vi" and "content-security-policy" in first.headers
    again = front.post("/checkins", body)
    assert again.status == 200 and again.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1 and CheckinReplay.objects.count() == 1
    assert front.app.writer.groups == 2


@postgres_only
def test_requests_sent_together_are_written_as_one_group(venue, token):
    front = FrontClient(token=token)
    requests = [
        (
            "/checkins",
            checkin_payload(
                venue.code, person={"full_name": f"Lê Văn {c}", "phone": f"09123456{i:02d}", "birth_year": 1980 + i}
            ),
        )
        for i, c in enumerate("ABCDEFGH")
    ]
    requests.append(("/scans", {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4())}))
    answers = front.group(requests)
    assert [a.status for a in answers] == [201] * 9, [a.content for a in answers]
    assert front.app.writer.groups == 1 and front.app.writer.jobs == 9
    assert Visit.objects.count() == 9 and len({a.json()["id"] for a in answers}) == 9


@postgres_only
def test_a_refusal_in_a_group_leaves_the_others_written(venue, token):
    front = FrontClient(token=token)
    answers = front.group(
        [
            ("/checkins", checkin_payload(venue.code)),
            ("/checkins", checkin_payload("NOSUCHX")),
            ("/scans", {"venue": "NOSUCHX", "text": CCCD_7, "client_id": str(uuid.uuid4())}),
            ("/scans", {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4())}),
        ]
    )
    assert [a.status for a in answers] == [201, 404, 404, 201]
    assert answers[1].json()["code"] == "unknown_venue"
    assert Visit.objects.count() == 2


@postgres_only
def test_bad_input_and_bad_tokens_get_the_api_answers(venue, token):
    front = FrontClient(token=token)
    bad = front.post("/checkins", {"venue": venue.code, "client_id": "not-a-uuid", "person": {}})
    assert bad.status == 422 and "client_id" in bad.json()["detail"]  # Django's answer, forwarded
    nul = front.post("/checkins", checkin_payload(venue.code, person={"full_name": "A\x00B", "phone": "0912345678"}))
    assert nul.status == 400
    wrong = FrontClient(token="rv_wrong").post(
        "/scans", {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4())}
    )
    assert wrong.status == 401 and wrong.json()["detail"]
    english = front.post("/checkins", checkin_payload("NOSUCHX"), headers={"accept-language": "en"})
    assert english.status == 404 and english.json()["detail"].startswith("No venue has the code")
    assert english.headers["content-language"] == "en"
    assert Visit.objects.count() == 0


@postgres_only
def test_a_full_queue_answers_503_with_retry_after_at_once(venue):
    from django.core.asgi import get_asgi_application

    with override_settings(RAVAO_INGEST_QUEUE=2):
        front = FrontClient(Front(get_asgi_application()))
    answers = front.group([("/checkins", checkin_payload(venue.code)) for _ in range(4)])
    assert sorted(a.status for a in answers) == [201, 201, 503, 503]
    busy = next(a for a in answers if a.status == 503)
    assert busy.headers["retry-after"] and busy.json()["code"] == "unavailable"
    assert Visit.objects.count() == 2


@postgres_only
def test_the_check_out_button_goes_through_the_front(venue):
    front = FrontClient()
    visit = front.post("/checkins", checkin_payload(venue.code)).json()
    out = front.post(f"/checkins/{visit['id']}/checkout", {"receipt": visit["receipt"]})
    assert out.status == 200 and out.json()["checkout_method"] == "button"
    bad = front.post(f"/checkins/{visit['id']}/checkout", {"receipt": "1.abc"})
    assert bad.status == 404


def test_other_requests_and_sqlite_go_to_django(venue):
    front = FrontClient()
    answer = front.post("/checkins", checkin_payload(venue.code))
    assert answer.status == 201
    assert front.app.writer.jobs == (1 if front.app.enabled else 0)


@postgres_only
def test_the_front_counts_its_answers_in_the_metrics(venue):
    from ravao.core import metrics

    counted = metrics.CHECKINS.labels("checkin", "self", "undeclared", "new")
    before = counted._value.get()
    assert FrontClient().post("/checkins", checkin_payload(venue.code)).status == 201
    assert counted._value.get() == before + 1


def batch_of(venue):
    same = str(uuid.uuid4())
    return {
        "scans": [
            {"venue": venue.code, "text": CCCD_7, "client_id": same},
            {"venue": "NOSUCHX", "text": CCCD_7, "client_id": str(uuid.uuid4())},
            {"venue": venue.code, "text": CCCD_7, "client_id": same},
            {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4()), "direction": "out"},
        ]
    }


def test_an_offline_queue_sent_as_a_batch_through_django(venue, staff):
    client = ApiClient(staff)
    body = batch_of(venue)
    answer = client.post("/scans/batch", body)
    assert answer.status_code == 200, answer.content
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [201, 404, 200, 200]
    assert results[0]["body"]["id"] == results[2]["body"]["id"] == results[3]["body"]["id"]
    assert results[3]["body"]["direction"] == "out"
    again = client.post("/scans/batch", body).json()["results"]
    assert [r["status"] for r in again] == [200, 404, 200, 200]
    assert Visit.objects.count() == 1
    assert client.post("/scans/batch", {"scans": []}).status_code == 422


@postgres_only
def test_an_offline_queue_sent_as_a_batch_through_the_front(venue, token):
    front = FrontClient(token=token)
    answer = front.post("/scans/batch", batch_of(venue))
    assert answer.status == 200, answer.content
    assert [r["status"] for r in answer.json()["results"]] == [201, 404, 200, 200]
    assert front.app.writer.jobs == 1 and Visit.objects.count() == 1
    assert front.post("/scans/batch", {"scans": []}).status == 422  # Django's answer
