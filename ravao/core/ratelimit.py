"""The one rate limiter: fixed windows counted in Django's ``default`` cache.

Every limit of Ravao (public check-ins per address, gate scans per account, SMS codes per
address, failed log-ins per user name) counts here, so that one cache setting decides whether
the counts are shared by every worker and server (Redis, ``RAVAO_REDIS_URL``) or kept per
worker process (the demo's in-memory cache; docs/configuration.md says why).

A window is a time bucket (``now // window``) in the key, not a key that expires ``window``
after its first hit: then a key could expire between the check that it exists and its INCR,
which would re-create it without any expiry (a visitor refused for ever). With the bucket in
the key, a key is only counted while its bucket is current and expires after it.

Counting relies on atomic increments: Redis (SET NX and INCR, pipelined) and the
in-memory cache (``add``/``incr`` under a lock) have them; Django's database and file caches do
not (their ``incr`` is a read followed by a write: two workers reading 9 both write 10), which
is why neither is offered as a shared default (bench/ratelimit.py shows the lost counts).

The identity (an address, an account id, a user name) is stored only as a keyed hash: the
cache holds no addresses or user names in clear.
"""

import ipaddress
import logging
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from ravao.core.crypto import lookup_hash
from ravao.core.errors import ServiceError
from ravao.core.net import client_ip

logger = logging.getLogger(__name__)

# The key outlives its window by this much: a slow request that read the bucket just before it
# ended still finds its key.
GRACE_SECONDS = 5


def _key(scope: str, ident: str, window: int, now: float | None) -> str:
    bucket = int(time.time() if now is None else now) // window
    return f"ravao:{scope}:{lookup_hash(f'{scope}|{ident}')[:32]}:{bucket}"


def _incr(key: str, ttl: int) -> int:
    store = caches["default"]
    if isinstance(store, RedisCache):
        # One round trip instead of Django's two or three (EXISTS, INCR; SET NX on a window's
        # first hit): the check-in path pays it on every request. No MULTI/EXEC (it cost about
        # twice as much here): SET NX and INCR are each atomic, and the key cannot expire
        # between them because its bucket is current.
        key = store.make_and_validate_key(key)
        pipe = store._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
    try:
        return store.incr(key)
    except ValueError:  # first event of the window
        if store.add(key, 1, ttl):
            return 1
        return store.incr(key)  # another thread added it first


def hit(scope: str, ident, *, window: int, now: float | None = None) -> int:
    """Count one event of ``ident`` in the current window of ``scope``; return the count so far
    (this one included). If the cache cannot be reached the event is not counted (0): a limit
    protects against abuse, and a visitor must not be refused because Redis restarted."""
    try:
        return _incr(_key(scope, str(ident), window, now), window + GRACE_SECONDS)
    except Exception:  # the cache server is down: log it, do not fail the request
        logger.exception("rate limit %s not counted: the cache is unreachable", scope)
        return 0


def count(scope: str, ident, *, window: int, now: float | None = None) -> int:
    """How many events ``ident`` had in the current window, without counting one."""
    try:
        return cache.get(_key(scope, str(ident), window, now)) or 0
    except Exception:
        logger.exception("rate limit %s not read: the cache is unreachable", scope)
        return 0


def reset(scope: str, ident, *, window: int, now: float | None = None) -> None:
    """Forget the current window's events of ``ident`` (a successful log-in)."""
    try:
        cache.delete(_key(scope, str(ident), window, now))
    except Exception:
        logger.exception("rate limit %s not reset: the cache is unreachable", scope)


def check(scope: str, ident, *, limit: int, window: int, message: str) -> None:
    """Count one event; beyond ``limit`` events per ``window`` seconds raise a 429
    ``ServiceError`` (code ``rate_limited``) with ``message`` (translated: each limit says what
    was limited and how long to wait)."""
    if hit(scope, ident, window=window) > limit:
        raise ServiceError(message, status=429, code="rate_limited")


def client_key(request) -> str:
    """The address a limit counts for ``request``: ``client_ip``, with an IPv6 address reduced to
    its /64 network (one subscriber's line or phone owns a whole /64 and can change addresses
    within it at will)."""
    ip = client_ip(request) or ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))
