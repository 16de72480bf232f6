"""With RAVAO_REDIS_URL the rate limits live in Redis: every app server counts the same visitor."""

import os

import pytest
from django.test import override_settings

from ravao.checkins.tests.conftest import checkin_payload
from ravao.testing import ApiClient

REDIS_URL = os.environ.get("RAVAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


def test_the_check_in_rate_is_counted_in_redis_for_every_app_server(venue, redis_db):
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    with override_settings(CACHES=caches, RAVAO_CHECKIN_RATE_LIMIT=1):
        assert ApiClient().post("/checkins", checkin_payload(venue.code)).status_code == 201
        keys = [k.decode() for k in redis_db.keys("*checkin-rate*")]
        assert len(keys) == 1 and int(redis_db.get(keys[0])) == 1  # visible to any other server
        res = ApiClient().post("/checkins", checkin_payload(venue.code))
        assert res.status_code == 429 and res.json()["code"] == "rate_limited"
