"""The hot path's per-worker memory (ravao/core/hotcache.py): what it saves and how soon a
change takes effect."""

import uuid
from datetime import timedelta

from django.utils import timezone

from ravao.accounts.models import ApiToken
from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import CCCD_7, checkin_payload
from ravao.core import hotcache
from ravao.testing import ApiClient


def scan(client, venue, text=CCCD_7, **extra):
    body = {"venue": venue.code, "text": text, "client_id": str(extra.pop("client_id", uuid.uuid4()))}
    return client.post("/scans", {**body, **extra})


def test_a_suspension_saved_in_this_process_takes_effect_at_once(venue, staff):
    client = ApiClient(staff)
    assert scan(client, venue).status_code == 201
    assert ApiClient().post("/checkins", checkin_payload(venue.code)).status_code == 201
    venue.status = "suspended"
    venue.save(update_fields=["status"])
    assert scan(client, venue).json()["code"] == "venue_suspended"
    assert ApiClient().post("/checkins", checkin_payload(venue.code)).json()["code"] == "venue_suspended"


def test_a_change_made_elsewhere_takes_effect_when_the_memory_expires(venue, staff, settings):
    client = ApiClient(staff)
    assert scan(client, venue).status_code == 201
    # Another worker (or plain SQL) suspends the venue: no signal reaches this process.
    type(venue).objects.filter(pk=venue.pk).update(status="suspended")
    assert scan(client, venue).status_code in (200, 201)  # still remembered (≤ RAVAO_HOT_CACHE_SECONDS)
    hotcache.clear()  # what the TTL's expiry does
    assert scan(client, venue).json()["code"] == "venue_suspended"


def test_with_the_memory_off_every_change_is_seen_at_once(venue, staff, settings):
    settings.RAVAO_HOT_CACHE_SECONDS = 0
    client = ApiClient(staff)
    assert scan(client, venue).status_code == 201
    type(venue).objects.filter(pk=venue.pk).update(status="closed")
    assert scan(client, venue).json()["code"] == "venue_closed"
    ApiToken.objects.filter(user=staff).update(revoked_at=timezone.now())
    assert scan(client, venue).status_code == 401


def test_a_replay_still_answers_after_the_venue_was_suspended(venue, staff):
    client = ApiClient(staff)
    client_id = uuid.uuid4()
    first = scan(client, venue, client_id=client_id)
    venue.status = "suspended"
    venue.save(update_fields=["status"])
    again = scan(client, venue, client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200) and again.json() == first.json()
    assert Visit.objects.count() == 1


def test_misses_are_not_remembered_a_new_membership_works_at_once(venue, users):
    from ravao.checkins.tests.conftest import member

    client = ApiClient(users["staff"])
    assert scan(client, venue).status_code == 404
    member(users["staff"], venue)
    assert scan(client, venue).status_code == 201


def test_the_token_is_touched_at_most_once_a_minute(venue, staff):
    client = ApiClient(staff)
    scan(client, venue)
    token = ApiToken.objects.get(user=staff)
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(seconds=30))
    hotcache.clear()
    scan(client, venue)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at > timedelta(seconds=29)  # not rewritten within the minute
