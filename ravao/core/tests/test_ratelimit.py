"""The one rate limiter (ravao/core/ratelimit.py): exact counts under concurrency, one count
shared by separate processes when the cache is Redis, fixed windows, and the client address
it counts by (ravao/core/net.py)."""

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from ravao.core import ratelimit
from ravao.core.errors import ServiceError
from ravao.core.net import client_ip

ROOT = Path(__file__).resolve().parents[3]
# Not database 15: test_shared_rate_limit flushes it, also from other xdist workers or checkouts
# running at the same time, which would reset these counts mid-test. Keys here are unique.
REDIS_URL = os.environ.get("RAVAO_TEST_LIMITER_REDIS_URL", "redis://127.0.0.1:6379/14")
REDIS_CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}


@pytest.fixture
def redis_up():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def scope():
    """A scope no other test (or xdist worker sharing the Redis database) counts in."""
    return f"test-{uuid.uuid4().hex[:12]}"


def hammer(name: str, *, threads: int = 8, each: int = 25) -> list[int]:
    start = threading.Barrier(threads)
    seen: list[int] = []

    def work():
        start.wait()
        seen.extend(ratelimit.hit(name, "203.0.113.7", window=60) for _ in range(each))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return seen


def test_it_counts_exactly_when_8_threads_hit_at_once():
    name = scope()
    seen = hammer(name)
    assert sorted(seen) == list(range(1, 201))  # every hit got its own number: none lost
    assert ratelimit.count(name, "203.0.113.7", window=60) == 200


def test_it_counts_exactly_when_8_threads_hit_redis_at_once(redis_up):
    with override_settings(CACHES=REDIS_CACHES):
        name = scope()
        assert sorted(hammer(name)) == list(range(1, 201))
        assert ratelimit.count(name, "203.0.113.7", window=60) == 200
        ratelimit.reset(name, "203.0.113.7", window=60)
        assert ratelimit.count(name, "203.0.113.7", window=60) == 0


CHILD = """
import django, sys
django.setup()
from ravao.core import ratelimit
from ravao.core.errors import ServiceError
allowed = 0
for _ in range(int(sys.argv[2])):
    try:
        ratelimit.check(sys.argv[1], "198.51.100.9", limit=10, window=3600, message="")
        allowed += 1
    except ServiceError:
        pass
print(allowed)
"""


def test_a_limit_holds_across_two_worker_processes_sharing_redis(redis_up, tmp_path):
    """Two app workers (separate processes, separate connections) count one visitor once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAVAO_") and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="ravao.settings", RAVAO_REDIS_URL=REDIS_URL, RAVAO_DATA_DIR=str(tmp_path))
    name = scope()
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, name, "8"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    allowed = [int(child.communicate(timeout=120)[0].strip()) for child in children]
    assert sum(allowed) == 10 and all(a > 0 for a in allowed)  # 16 tries, 10 allowed in all


def test_the_window_is_fixed_and_a_new_one_starts_from_zero():
    name = scope()
    assert [ratelimit.hit(name, "x", window=60, now=120.0) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit(name, "x", window=60, now=179.9) == 4
    assert ratelimit.hit(name, "x", window=60, now=180.0) == 1
    assert ratelimit.hit(name, "y", window=60, now=180.0) == 1  # each identity on its own


def test_beyond_the_limit_it_answers_429_with_the_message():
    name = scope()
    for _ in range(2):
        ratelimit.check(name, "x", limit=2, window=60, message="slow down")
    with pytest.raises(ServiceError) as refused:
        ratelimit.check(name, "x", limit=2, window=60, message="slow down")
    assert (refused.value.status, refused.value.code, refused.value.message) == (429, "rate_limited", "slow down")


def test_the_cache_holds_no_address_in_clear():
    name = scope()
    ratelimit.hit(name, "203.0.113.77", window=60)
    assert not [k for k in cache._cache if "203.0.113.77" in k]


def test_an_unreachable_cache_does_not_refuse_anyone():
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=unreachable):
        assert ratelimit.hit(scope(), "x", window=60) == 0
        ratelimit.check(scope(), "x", limit=0, window=60, message="no")  # does not raise


# --- the client address ---------------------------------------------------------------------


def test_without_a_proxy_header_it_is_the_remote_address(rf, settings):
    settings.RAVAO_CLIENT_IP_HEADER = ""
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.1"


def test_a_forwarded_list_counts_by_the_entry_our_proxy_appended(rf, settings):
    settings.RAVAO_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"  # "6.6.6.6" is what the client claimed


def test_a_header_that_is_not_an_address_falls_back_to_the_remote_address(rf, settings):
    settings.RAVAO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="unknown")) == "10.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_an_ipv6_client_is_limited_by_its_64_network(rf, settings):
    settings.RAVAO_CLIENT_IP_HEADER = ""
    one = ratelimit.client_key(rf.get("/", REMOTE_ADDR="2001:db8:1:2::a"))
    other = ratelimit.client_key(rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1"))
    assert one == other == "2001:db8:1:2::/64"
    assert ratelimit.client_key(rf.get("/", REMOTE_ADDR="::ffff:198.51.100.4")) == "198.51.100.4"
    assert ratelimit.client_key(rf.get("/", REMOTE_ADDR="198.51.100.4")) == "198.51.100.4"
