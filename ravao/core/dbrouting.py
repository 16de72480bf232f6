"""Read replicas: which database a read goes to (docs/deployment.md, "Read replicas").

Explicit, not guessed by model: code whose reads may be a few seconds old — tracing, the
oversight dashboards and coverage, exports, reports — runs inside ``reading_from_replica()``
(a context manager and a decorator). Inside such a block the router sends ORM reads, and
:func:`read_connection` sends raw SQL, to a replica whose lag is at most
``RAVAO_REPLICA_MAX_LAG_SECONDS``; when every replica lags more or cannot be reached, to the
primary. Everything else reads from the primary, and every write goes to the primary. Once a
block has written, its later reads go to the primary too (they may have to see the write), and
for ``RAVAO_REPLICA_MAX_LAG_SECONDS`` after a request that changed something (POST, …) the
same browser reads from the primary (:class:`ReplicaMiddleware`: a tracer who just marked a
contact sees the mark on the next page).

When the decorated function fails on a replica (the replica went away mid-read, or cancelled
the query for a conflict with recovery), it is run once more on the primary.

Without ``DATABASE_REPLICA_URL`` the router and the middleware are not installed and a block
is a no-op: the SQLite demo and the plain test suite behave exactly as before.
"""

import functools
import inspect
import logging
import random
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

from ravao.core.dbconfig import REPLICA_PREFIX

log = logging.getLogger("ravao.dbrouting")

# Seconds behind the primary: 0 when the replica has replayed everything it received and is
# streaming; otherwise the age of the last replayed transaction. Not in recovery: a promoted
# replica (after a failover) is as fresh as a primary.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)


@dataclass
class ReadBlock:
    """Where the reads of one ``reading_from_replica()`` block go, and why."""

    alias: str
    reason: str  # "replica", "no replica", "lagging", "down", "pinned", "retry"
    lag: float | None = None  # the chosen replica's lag, or the least lag seen when none fitted
    wrote: bool = False

    @property
    def on_replica(self) -> bool:
        return self.alias != DEFAULT_DB_ALIAS


_block: ContextVar[ReadBlock | None] = ContextVar("ravao_read_block", default=None)
_last: ContextVar[ReadBlock | None] = ContextVar("ravao_last_read_block", default=None)
_pinned: ContextVar[bool] = ContextVar("ravao_primary_pinned", default=False)


@dataclass
class _Health:
    lag: float | None
    at: float = field(default_factory=time.monotonic)


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return [a for a in settings.DATABASES if a.startswith(REPLICA_PREFIX)]


def max_lag() -> float:
    return float(getattr(settings, "RAVAO_REPLICA_MAX_LAG_SECONDS", 30))


def check_seconds() -> float:
    return float(getattr(settings, "RAVAO_REPLICA_CHECK_SECONDS", 5))


def _measure(alias: str) -> float | None:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as exc:
        log.warning("replica %s unreachable: %s", alias, str(exc).strip().splitlines()[0] if str(exc) else exc)
        _close(alias)
        return None


def _close(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def replica_lag(alias: str = REPLICA_PREFIX, *, fresh: bool = False) -> float | None:
    """Seconds ``alias`` is behind the primary (0: in step), None when it cannot be reached.
    Measured at most every ``RAVAO_REPLICA_CHECK_SECONDS`` per process (``fresh``: now)."""
    if alias not in settings.DATABASES:
        return None
    now = time.monotonic()
    known = _health.get(alias)
    if not fresh and known is not None and now - known.at < check_seconds():
        return known.lag
    lag = _measure(alias)
    with _health_lock:
        _health[alias] = _Health(lag, time.monotonic())
    return lag


def replica_lags() -> dict[str, float | None]:
    """Every configured replica's lag (None: unreachable), for metrics and status pages."""
    return {alias: replica_lag(alias) for alias in replica_aliases()}


def mark_down(alias: str) -> None:
    """Treat ``alias`` as unreachable until its next check."""
    with _health_lock:
        _health[alias] = _Health(None)
    _close(alias)


def forget_health() -> None:
    _health.clear()


def _choose() -> ReadBlock:
    if _pinned.get():
        return ReadBlock(DEFAULT_DB_ALIAS, "pinned")
    aliases = replica_aliases()
    if not aliases:
        return ReadBlock(DEFAULT_DB_ALIAS, "no replica")
    random.shuffle(aliases)  # spread the reads over the replicas that fit
    bound, reason, least = max_lag(), "down", None
    for alias in aliases:
        lag = replica_lag(alias)
        if lag is None:
            continue
        if lag <= bound:
            return ReadBlock(alias, "replica", lag)
        reason, least = "lagging", lag if least is None else min(least, lag)
    return ReadBlock(DEFAULT_DB_ALIAS, reason, least)


def current() -> ReadBlock | None:
    """The block the code runs in now (None: outside any block)."""
    return _block.get()


def last_read() -> ReadBlock | None:
    """The most recent block of this request (for a page's "figures as of" line): where its
    reads went and how far behind that was. None without replicas or before any block."""
    return _last.get()


def read_alias() -> str:
    """Where a read made now goes."""
    block = _block.get()
    if block is None or block.wrote:
        return DEFAULT_DB_ALIAS
    return block.alias


def read_connection():
    """The connection for raw SQL reads made now (the primary's outside a block)."""
    return connections[read_alias()]


class reading_from_replica:  # used like contextlib's lower-case helpers
    """Reads inside may come from a replica (see the module's docstring).

    As a context manager it gives the :class:`ReadBlock`; as a decorator (also of generator
    functions: the block holds only while the generator runs) it also retries once on the
    primary when the function fails on a replica. Blocks nest: an inner block keeps the outer
    block's choice."""

    def __init__(self):
        self._tokens: list = []

    def __enter__(self) -> ReadBlock:
        outer = _block.get()
        block = outer if outer is not None else _choose()
        self._tokens.append((_block.set(block), _last.set(block)))
        return block

    def __exit__(self, *exc) -> None:
        token, _token_last = self._tokens.pop()
        _block.reset(token)  # _last stays: the page shows where its figures came from

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            return _generator(func)

        @functools.wraps(func)
        def inner(*args, **kwargs):
            if _block.get() is not None:  # nested: the outermost block retries
                return func(*args, **kwargs)
            with reading_from_replica() as block:
                try:
                    return func(*args, **kwargs)
                except (OperationalError, InterfaceError) as exc:
                    if not _failed_on_replica(block, exc):
                        raise
            with _on_primary("retry"):
                return func(*args, **kwargs)

        return inner


def _failed_on_replica(block: ReadBlock, exc: Exception) -> bool:
    if not block.on_replica or not connections[block.alias].errors_occurred:
        return False
    log.warning("read on %s failed (%s): reading from the primary", block.alias, str(exc).strip()[:200])
    # Lost, or only a cancelled query? Check now; either way this call is read again.
    _close(block.alias)
    if replica_lag(block.alias, fresh=True) is None:
        mark_down(block.alias)
    return True


class _on_primary:
    def __init__(self, reason: str):
        self.reason = reason

    def __enter__(self):
        block = ReadBlock(DEFAULT_DB_ALIAS, self.reason)
        self._tokens = (_block.set(block), _last.set(block))
        return block

    def __exit__(self, *exc):
        _block.reset(self._tokens[0])


def _generator(func):
    """A generator function whose body (not its caller, between items) reads from the block
    chosen when it starts."""

    @functools.wraps(func)
    def inner(*args, **kwargs):
        if _block.get() is not None:
            yield from func(*args, **kwargs)
            return
        with reading_from_replica() as block:
            pass
        gen = func(*args, **kwargs)
        sent = None
        while True:
            token = _block.set(block)
            try:
                item = gen.send(sent)
            except StopIteration:
                return
            finally:
                _block.reset(token)
            sent = yield item

    return inner


class ReplicaRouter:
    """Installed only when replicas are configured (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        block = _block.get()
        if block is not None:
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, wherever they were read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


PIN_COOKIE = "ravao_rw"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class ReplicaMiddleware:
    """Reads after a change see it: a signed-in browser that just changed something (an unsafe
    method answered below 400) reads from the primary for ``RAVAO_REPLICA_MAX_LAG_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pin = _pinned.set(PIN_COOKIE in request.COOKIES)
        last = _last.set(None)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(pin)
            _last.reset(last)
        # Signed-in browsers only: public check-ins and token clients get no cookie to carry.
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=max(1, int(max_lag())),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
