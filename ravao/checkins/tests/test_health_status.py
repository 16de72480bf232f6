"""One health colour (``ravao.people.models.HealthStatus``): declarations, visits, the gate's and
the visitor's answers and the venue counts all use it, with the values the API has always had."""

import uuid

from ravao.checkins import models as checkin_models
from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import CCCD_7, checkin_payload
from ravao.people.models import Declaration, HealthStatus
from ravao.testing import ApiClient


def test_there_is_one_colour_enum_with_the_api_values():
    assert checkin_models.HealthStatus is HealthStatus
    assert HealthStatus.values == ["green", "yellow", "red", "undeclared"]
    assert Visit._meta.get_field("status").choices == HealthStatus.choices
    assert [v for v, _label in Declaration._meta.get_field("status").choices] == ["green", "yellow", "red"]


def test_the_visitor_and_the_gate_answer_with_its_values(venue, staff):
    declared = ApiClient().post(
        "/checkins", checkin_payload(venue.code, declaration={"commitment": True, "contact_case": True})
    )
    assert declared.status_code == 201 and declared.json()["status"] == HealthStatus.RED == "red"
    scanned = ApiClient(staff).post("/scans", {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4())})
    assert scanned.status_code == 201 and scanned.json()["status"] == "undeclared"
    counts = ApiClient(staff).get(f"/venues/{venue.code}/inside").json()
    assert counts["by_status"] == {"green": 0, "yellow": 0, "red": 1, "undeclared": 1}
