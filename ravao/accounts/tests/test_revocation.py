"""Revocation and deactivation take effect at once, on every worker and server (issue 15: a
revoked token answered for ~57 s, a deactivated account's token for ~58 s).

"Another worker" is a change written without this process's signals (``QuerySet.update``, as
another process or plain SQL writes it): the per-worker memory never hears of it, and its TTL
is set to an hour so that only the per-request check can refuse."""

import uuid

import pytest
from django.utils import timezone

from ravao.accounts.models import ApiToken, Role, User
from ravao.accounts.services import token_revoke
from ravao.checkins.tests.conftest import CCCD_7, member
from ravao.testing import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_memory(settings):
    settings.RAVAO_HOT_CACHE_SECONDS = 3600


def scan(client, venue):
    return client.post("/scans", {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4())})


@pytest.fixture
def gate(users, small_map):
    from ravao.checkins.tests.conftest import make_venue

    venue = make_venue(small_map.commune_a, name="Quán Cơm Bà Lan")
    member(users["staff"], venue)
    return venue


def test_a_token_revoked_through_the_service_is_refused_at_the_next_request(users, gate):
    client = ApiClient(users["staff"])
    assert scan(client, gate).status_code == 201
    token = ApiToken.objects.get(user=users["staff"])
    assert token_revoke(user=users["staff"], token_id=token.pk)
    r = scan(client, gate)
    assert r.status_code == 401
    assert client.get("/me").status_code == 401


def test_a_token_revoked_by_another_worker_is_refused_at_once(users, gate):
    client = ApiClient(users["staff"])
    assert scan(client, gate).status_code == 201
    assert client.get("/me").status_code == 200
    ApiToken.objects.filter(user=users["staff"]).update(revoked_at=timezone.now())
    assert scan(client, gate).status_code == 401
    assert client.get("/me").status_code == 401


def test_a_deactivated_accounts_token_is_refused_at_once(users, gate):
    client = ApiClient(users["staff"])
    assert scan(client, gate).status_code == 201
    User.objects.filter(pk=users["staff"].pk).update(is_active=False)
    assert scan(client, gate).status_code == 401
    assert client.get("/me").status_code == 401
    # Reactivated: the same token works again (deactivation is not revocation).
    User.objects.filter(pk=users["staff"].pk).update(is_active=True)
    assert scan(client, gate).status_code in (200, 201)


def test_a_tracers_token_stops_reading_cases_once_deactivated(users):
    client = ApiClient(users["tracer"])
    assert client.get("/cases").status_code == 200
    User.objects.filter(pk=users["tracer"].pk).update(is_active=False)
    assert client.get("/cases").status_code == 401


def test_a_role_changed_elsewhere_is_seen_at_once(users):
    client = ApiClient(users["tracer"])
    assert client.get("/me").json()["role"] == "tracer"
    User.objects.filter(pk=users["tracer"].pk).update(role=Role.AUDITOR)
    assert client.get("/me").json()["role"] == "auditor"
    assert client.get("/cases").status_code == 403


def test_a_deactivated_accounts_session_ends_at_once(users, client):
    client.force_login(users["tracer"])
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/tracing/").status_code == 200
    User.objects.filter(pk=users["tracer"].pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/tracing/")
    assert page.status_code == 302 and "login" in page["Location"]


def test_the_check_is_one_query_and_the_token_is_touched_at_most_once_a_minute(users, gate, django_assert_num_queries):
    from ravao.accounts.services import token_for_raw, token_issue

    raw = token_issue(user=users["staff"])
    token_for_raw(raw)  # loads, remembers and touches
    with django_assert_num_queries(1):
        assert token_for_raw(raw) is not None
