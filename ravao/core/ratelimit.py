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

The log-in lockout must hold across workers even without Redis (a lockout at 10 that each of
4 workers counts alone lets 40 guesses through): ``hit_shared`` counts in Redis when it is the
cache, else in the database (``core.RateCount``) with one atomic ``INSERT … ON CONFLICT DO UPDATE
… RETURNING`` (PostgreSQL and SQLite alike). It is made for low-volume events (log-ins), not for
the check-in path, which counts in the cache.

The identity (an address, an account id, a user name) is stored only as a keyed hash: the
cache holds no addresses or user names in clear.
"""

import ipaddress
import logging
import time
from datetime import UTC, datetime, timedelta

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction

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


def _incr_in_database(key: str, ttl: int) -> int:
    from ravao.core.models import RateCount

    table = RateCount._meta.db_table
    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE expires_at < %s", [now])
        cur.execute(
            f'INSERT INTO {table} ("key", "count", expires_at) VALUES (%s, 1, %s) '
            f'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"',
            [key, now + timedelta(seconds=ttl)],
        )
        return cur.fetchone()[0]


def _shared_in_database() -> bool:
    return not isinstance(caches["default"], RedisCache)


def hit_shared(scope: str, ident, *, window: int, now: float | None = None) -> int:
    """``hit``, but counted by every worker and server together even without Redis (in the
    database then). For rare events only: the log-in lockout."""
    key = _key(scope, str(ident), window, now)
    if not _shared_in_database():
        return hit(scope, ident, window=window, now=now)
    try:
        return _incr_in_database(key, window + GRACE_SECONDS)
    except Exception:
        logger.exception("rate limit %s not counted: the database is unreachable", scope)
        return 0


def reset_shared(scope: str, ident, *, window: int, now: float | None = None) -> None:
    """``reset`` for a ``hit_shared`` count."""
    if not _shared_in_database():
        return reset(scope, ident, window=window, now=now)
    from ravao.core.models import RateCount

    RateCount.objects.filter(key=_key(scope, str(ident), window, now)).delete()


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
