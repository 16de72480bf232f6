"""Issue 15: bad input answers 4xx with a message, never 5xx — the issue's exact payloads.

NUL bytes, lone surrogates and control characters are refused by one middleware
(ravao/core/inputs.py) for paths, query strings and bodies; integers are bounded, offsets
non-negative, nulls refused in PATCH and dates kept in range by the API's schemas
(ravao/core/params.py).
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from ravao.checkins.tests.conftest import checkin_payload, make_venue, member
from ravao.testing import ApiClient
from ravao.tracing.tests.factories import BASE, make_person

HUGE = "9" * 30
EN = {"Accept-Language": "en"}


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Quán Cơm Bà Lan")


@pytest.fixture
def case_id(small_map, users):
    make_person("Nguyễn Văn Ca", phone="0912345678", unit=small_map.commune_a)
    res = ApiClient(users["tracer"]).post(
        "/cases",
        {
            "person": {"phone": "0912345678"},
            "infectious_from": BASE.isoformat(),
            "infectious_to": (BASE + timedelta(hours=1)).isoformat(),
        },
    )
    assert res.status_code in (200, 201), res.content
    return res.json()["id"]


def refused(res, status=400):
    assert res.status_code == status, (res.status_code, res.content[:400])
    if res["Content-Type"].startswith("application/json"):
        assert res.json()["detail"]
    return res


def post_raw(path, body: str, client=None, headers=None):
    return (client or Client()).post(f"/api/v1{path}", body, content_type="application/json", headers=headers or {})


# --- NUL bytes, lone surrogates, control characters ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["%00", "a%00b", "%01", "%1b[31m", "%7f"])
def test_a_control_character_in_the_public_unit_search_is_refused(q):
    res = refused(Client(headers=EN).get(f"/api/v1/units?q={q}"))
    assert "control character" in res.json()["detail"]


@pytest.mark.django_db
def test_a_nul_byte_in_the_path_is_refused():
    refused(Client().get("/api/v1/units/46%00"))
    refused(Client().get("/c/AB%00CD"))


@pytest.mark.parametrize("field", ["full_name", "phone", "address"])
def test_a_nul_byte_in_the_public_checkin_is_refused(venue, field):
    payload = checkin_payload(venue.code)
    payload["person"][field] = "Nguyễn\x00Văn An"
    refused(post_raw("/checkins", json.dumps(payload)))


def test_a_nul_byte_in_a_json_key_or_the_venue_is_refused(venue):
    payload = checkin_payload(venue.code)
    payload["venue"] = venue.code + "\x00"
    refused(post_raw("/checkins", json.dumps(payload)))
    refused(post_raw("/checkins", json.dumps({**checkin_payload(venue.code), "x\x00": 1})))


def test_a_lone_surrogate_is_refused(venue):
    body = json.dumps(checkin_payload(venue.code)).replace("Nguy", "\\ud800Nguy")
    res = refused(post_raw("/checkins", body, headers=EN))
    assert "surrogate" in res.json()["detail"] or "character" in res.json()["detail"]


def test_a_real_surrogate_pair_is_an_ordinary_character(venue):
    body = json.dumps(checkin_payload(venue.code)).replace("Nguy", "\\ud83d\\ude00Nguy")
    assert post_raw("/checkins", body).status_code == 201


def test_tabs_and_new_lines_stay_allowed_in_text(users, small_map):
    res = ApiClient(users["province"]).get("/units", q="Hu\tế")
    assert res.status_code == 200


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_is_refused_with_a_page():
    res = Client(headers=EN).post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert res.status_code == 400
    assert "text/html" in res["Content-Type"]
    assert "control character" in res.content.decode()


@pytest.mark.django_db
def test_the_page_message_is_translated():
    res = Client().get("/?code=%00", headers={"Accept-Language": "vi"})
    assert res.status_code == 400 and "ký tự điều khiển" in res.content.decode()


@pytest.mark.django_db
def test_invalid_utf8_in_a_json_body_is_refused():
    res = Client().post("/api/v1/checkins", b'{"venue": "\xff\xfe"}', content_type="application/json")
    assert 400 <= res.status_code < 500


# --- integers: oversized, negative ------------------------------------------------------------


@pytest.mark.parametrize(
    "query", [f"offset={HUGE}", "offset=-1", f"limit={HUGE}", f"case={HUGE}", "case=-1", "since=0000-01-01"]
)
def test_audit_paging_is_bounded(users, query):
    res = ApiClient(users["auditor"]).client.get(f"/api/v1/audit?{query}", headers=ApiClient(users["auditor"]).headers)
    assert res.status_code in (400, 422), res.content


@pytest.mark.parametrize("query", [f"offset={HUGE}", "offset=-1", f"limit={HUGE}", "limit=-1"])
def test_venue_and_case_paging_is_bounded(users, query):
    for path, role in (("/venues", "province"), ("/cases", "tracer")):
        api = ApiClient(users[role])
        res = api.client.get(f"/api/v1{path}?{query}", headers=api.headers)
        assert res.status_code in (200, 400, 422), (path, res.status_code, res.content)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [f"limit={HUGE}", "limit=-1", "limit=0"])
def test_public_unit_search_limit_is_bounded(query):
    assert Client().get(f"/api/v1/units?q=Hu&{query}").status_code in (200, 400, 422)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/r/1/{'f' * 64}",
        f"/r/1/{'f' * 300}",
        f"/r/{HUGE}/abcdef",
        f"/r/{HUGE}/{'f' * 64}/checkout",
        f"/r/1/{'f' * 24}.abcdef",
        f"/r/1/{'f' * 13}.{'f' * 20}",
        "/r/1/-1.abc",
        "/r/1/zz.zz",
        f"/r/1/{'f' * 13}.{'f' * 20}/checkout",
        "/r/0/0.0",
        "/r/1/.",
    ],
)
def test_an_oversized_receipt_is_refused(path):
    client = Client()
    res = client.post(path) if path.endswith("checkout") else client.get(path)
    assert 400 <= res.status_code < 500, (res.status_code, res.content[:300])


def test_oversized_case_and_follow_up_ids_are_refused(users, case_id):
    api = ApiClient(users["tracer"])
    assert api.get(f"/cases/{HUGE}").status_code in (400, 404, 422)
    assert api.patch(f"/cases/{HUGE}", {"notes": "x"}).status_code in (400, 404, 422)
    assert api.get(f"/cases/{HUGE}/contacts").status_code in (400, 404, 422)
    res = api.post(f"/cases/{case_id}/contacts/{HUGE}/follow-up", {"reached": True})
    assert res.status_code in (400, 404, 422), res.content
    res = api.post(f"/cases/{HUGE}/contacts/1/follow-up", {"reached": True})
    assert res.status_code in (400, 404, 422), res.content
    assert api.delete(f"/exposure-windows/{HUGE}").status_code in (400, 404, 422)
    assert api.post(f"/checkins/{HUGE}/checkout", {"receipt": "f" * 64}).status_code in (400, 404, 422)


def test_oversized_integers_in_bodies_are_refused(users, venue, case_id):
    staff = member(users["staff"], venue)
    api = ApiClient(staff)
    res = post_raw(
        "/scans",
        json.dumps({"venue": venue.code, "entrance": int(HUGE), "text": "x", "client_id": str(uuid.uuid4())}),
        headers=api.headers,
    )
    assert res.status_code in (400, 422), res.content
    res = ApiClient(users["tracer"]).post(
        "/exposure-windows",
        {"venue": venue.code, "from": BASE.isoformat(), "to": BASE.isoformat(), "case_id": int(HUGE)},
    )
    assert res.status_code in (400, 404, 422), res.content
    res = ApiClient(users["tracer"]).post(
        f"/cases/{case_id}/contacts/1/follow-up", {"reached": True, "buffer_minutes": int(HUGE)}
    )
    assert res.status_code in (400, 404, 422), res.content


# --- nulls in PATCH, dates and time-zone offsets ------------------------------------------------


@pytest.mark.parametrize(
    "field", ["name", "street", "contact_name", "contact_phone", "type", "unit", "plate", "default_stay_minutes"]
)
def test_null_for_a_text_field_in_a_venue_patch_is_refused(users, venue, field):
    res = ApiClient(users["province"]).patch(f"/venues/{venue.code}", {field: None})
    assert res.status_code in (400, 422), (field, res.status_code, res.content)


@pytest.mark.parametrize("field", ["notes", "status", "infectious_from", "infectious_to"])
def test_null_for_a_required_field_in_a_case_patch_is_refused(users, case_id, field):
    res = ApiClient(users["tracer"]).patch(f"/cases/{case_id}", {field: None})
    assert res.status_code in (400, 422), (field, res.status_code, res.content)


@pytest.mark.parametrize(
    "moment",
    [
        "2026-12-04T10:00:00+24:00",
        "2026-12-04T10:00:00+99:00",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
    ],
)
def test_an_out_of_range_scan_time_is_refused(users, venue, moment):
    api = ApiClient(member(users["staff"], venue))
    res = api.post(
        "/scans",
        {
            "venue": venue.code,
            "text": "0912345678",
            "birth_year": 1990,
            "client_id": str(uuid.uuid4()),
            "scanned_at": moment,
        },
    )
    assert 400 <= res.status_code < 500, (moment, res.status_code, res.content)


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2026-12-04T10:00:00+24:00"]
)
def test_out_of_range_case_and_window_dates_are_refused(users, venue, case_id, moment):
    api = ApiClient(users["tracer"])
    res = api.patch(f"/cases/{case_id}", {"infectious_from": moment})
    assert 400 <= res.status_code < 500, (moment, res.status_code, res.content)
    res = api.post("/exposure-windows", {"venue": venue.code, "from": moment, "to": moment})
    assert 400 <= res.status_code < 500, (moment, res.status_code, res.content)
    res = api.get("/coverage", **{"from": "0001-01-01", "to": "9999-12-31"})
    assert res.status_code < 500


def test_null_still_clears_an_optional_field(users, case_id):
    res = ApiClient(users["tracer"]).patch(f"/cases/{case_id}", {"isolated_at": None, "test_date": None})
    assert res.status_code == 200, res.content
