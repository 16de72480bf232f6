"""A venue code typed in any of the forms people type it or scanners send it is the same venue
at the gate (POST /api/v1/scans), on the visitor page (/c/<code>, the home page's box), in the
check-in API and in `ravao scan` (ravao/core/venuecodes.py)."""

import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import checkin_payload
from ravao.testing import ApiClient


def forms_of(code: str) -> list[str]:
    """What a person types or a scanner sends for the code printed as "A C 3 4 6 7 9"."""
    return [
        code,
        code.lower(),
        " ".join(code),  # the poster's printed grouping
        f"{code[:2]}-{code[2:]}",  # "AB-12CD" style
        f"{code[:3].lower()} {code[3:]}",
        f"  {code}\n",  # a scanner's trailing Enter
        f"{code[:3]}.{code[3:]}",
        code.translate({ord(c): ord(c) + 0xFEE0 for c in code}),  # full-width keyboard
    ]


def test_the_gate_accepts_every_typed_form_of_the_venue_code(venue, staff):
    client = ApiClient(staff)
    for i, typed in enumerate(forms_of(venue.code)):
        res = client.post("/scans", {"venue": typed, "text": "0912 345 678 1990", "client_id": str(uuid.uuid4())})
        if i == 0:
            assert res.status_code == 404 and res.json()["code"] == "no_match"  # nobody yet: see below
            ApiClient().post("/checkins", checkin_payload(venue.code))
            Visit.objects.all().delete()
            res = client.post("/scans", {"venue": typed, "text": "0912 345 678 1990", "client_id": str(uuid.uuid4())})
        assert res.status_code in (200, 201), (typed, res.json())
        assert res.json()["venue"]["code"] == venue.code


def test_the_gate_refuses_a_code_that_cannot_be_one_without_a_lookup(venue, staff, monkeypatch):
    from ravao.checkins import places

    monkeypatch.setattr(places, "venue_by_code", lambda code: pytest.fail(f"looked up {code!r}"))
    client = ApiClient(staff)
    for typed in ("AC", venue.code + "A", "0O1IL2Z"):  # too short, too long, letters codes never use
        res = client.post("/scans", {"venue": typed, "text": "0912345678 1990", "client_id": str(uuid.uuid4())})
        assert res.status_code == 404 and res.json()["code"] == "unknown_venue"


def test_the_visitor_page_opens_from_every_typed_form(venue):
    for typed in forms_of(venue.code):
        res = Client().get(f"/c/{typed.strip()}")
        assert res.status_code in (200, 302), typed
        if res.status_code == 302:
            assert res["Location"] == f"/c/{venue.code}"
        home = Client().get("/", {"code": typed})
        assert home.status_code == 302 and home["Location"] == f"/c/{venue.code}", typed


def test_the_check_in_api_accepts_every_typed_form(venue):
    for typed in forms_of(venue.code):
        res = ApiClient().post("/checkins", checkin_payload(typed))
        assert res.status_code in (200, 201), (typed, res.json())
    assert Visit.objects.filter(venue=venue).count() == len(forms_of(venue.code))


def test_the_scan_command_accepts_a_typed_form(venue, staff, capsys):
    ApiClient().post("/checkins", checkin_payload(venue.code))
    call_command("scan", venue=" ".join(venue.code).lower(), user=staff.username, text="0912345678 1990")
    assert venue.name in capsys.readouterr().out
