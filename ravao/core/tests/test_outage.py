"""Issue 15: a database outage answers 503 (JSON with Retry-After, or a localised page), logged
once per outage; /healthz needs no database, /readyz says whether it answers."""

import logging
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from ravao.checkins.tests.conftest import checkin_payload, make_venue
from ravao.core.outage import outage

EN = {"Accept-Language": "en"}


@contextmanager
def database_down():
    """Every new cursor fails as with a refused connection (the test's own transaction stays)."""

    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture(autouse=True)
def _no_outage_left():
    outage.since, outage.refused = None, 0
    yield
    outage.since, outage.refused = None, 0


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Quán Cơm Bà Lan")


def test_the_public_checkin_answers_503_json_with_retry_after(venue):
    client = Client(headers=EN)
    with database_down():
        res = client.post("/api/v1/checkins", checkin_payload(venue.code), content_type="application/json")
    assert res.status_code == 503
    assert res["Retry-After"] == "5"
    assert res.json()["code"] == "unavailable" and "try again" in res.json()["detail"]


def test_pages_answer_a_localised_503_page(users):
    client = Client()
    client.force_login(users["province"])  # the session and the user live in the database
    with database_down():
        res = client.get("/dashboard/", headers={"Accept-Language": "vi"})
    assert res.status_code == 503 and res["Retry-After"] == "5"
    assert "text/html" in res["Content-Type"]
    assert "Tạm thời" in res.content.decode()


def records(caplog):
    """Each record once: caplog's handler may sit both on the logger and on the root."""
    return list({id(r): r for r in caplog.records}.values())


def test_an_outage_is_logged_once_and_its_end_once(venue, users, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("ravao"), "propagate", True)  # to caplog's root handler
    client = Client()
    client.force_login(users["province"])
    with caplog.at_level(logging.WARNING, logger="ravao.outage"), database_down():
        for _ in range(20):
            assert (
                client.post(
                    "/api/v1/checkins", checkin_payload(venue.code), content_type="application/json"
                ).status_code
                == 503
            )
            assert client.get("/dashboard/").status_code == 503
    # Nothing else: no "Service Unavailable" line per request from django.request, no traceback.
    assert [r.levelname for r in records(caplog)] == ["ERROR"], [r.getMessage() for r in records(caplog)][:3]
    assert "Database unavailable" in records(caplog)[0].getMessage()
    with caplog.at_level(logging.WARNING, logger="ravao.outage"):
        assert (
            client.post("/api/v1/checkins", checkin_payload(venue.code), content_type="application/json").status_code
            == 201
        )
        assert client.get("/api/v1/units?q=Hu").status_code == 200
    assert [r.levelname for r in records(caplog)] == ["ERROR", "WARNING"]
    assert "40 requests were answered 503" in records(caplog)[1].getMessage()


def test_healthz_needs_no_database_and_readyz_does(db):
    client = Client()
    with database_down():
        assert client.get("/healthz").status_code == 200
        res = client.get("/readyz")
        assert res.status_code == 503 and res.json() == {"ok": False, "database": False}
        assert res["Retry-After"]
    assert client.get("/readyz").json() == {"ok": True, "database": True}


def test_connections_are_health_checked_before_reuse(settings):
    from django.conf import settings as live

    assert live.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_value_the_database_refuses_is_a_400(users, venue):
    """PostgreSQL's integer columns stop at 2^31: the schema bounds them, the layer catches the rest."""
    from ravao.testing import ApiClient

    res = ApiClient(users["province"]).patch(f"/venues/{venue.code}", {"capacity": 2**40})
    assert res.status_code in (400, 422), res.content


def test_numbers_beyond_range_that_slip_through_are_a_400(rf):
    from ravao.core.outage import DatabaseOutageMiddleware

    middleware = DatabaseOutageMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/api/v1/x"), OverflowError("int too large")).status_code == 400
    assert middleware.process_exception(rf.get("/r/1/x"), OverflowError("date value out of range")).status_code == 400
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None  # a real bug stays a 500
