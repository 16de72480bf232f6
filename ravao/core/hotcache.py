"""Per-worker memory for hot paths (check-in, gate scans, API tokens): venues by code, gate memberships, API tokens.

Each entry lives ``RAVAO_HOT_CACHE_SECONDS`` (60 s; 0 turns it off). A change saved through the
ORM (``save``/``delete`` of a venue, venue type, membership, user or token) empties the memory of
the process that saved it at once (signals wired in apps.py); other workers see it within the
TTL. So a suspension, closure, event window change or removed membership takes effect
everywhere within RAVAO_HOT_CACHE_SECONDS (docs/api-checkins.md). A remembered token is checked
against the database on every request (``accounts.services.token_for_raw``): revocation and
deactivation take effect at once everywhere.
Misses (unknown code, no membership, bad token) are never remembered: a new venue or a new
membership works at once. Cached objects are shared between requests: read them, never change them.
"""

import time

from django.conf import settings

_MAX_ENTRIES = 20_000
_stores: dict[str, dict] = {"venue": {}, "staff": {}, "token": {}}


def remembered(kind: str, key, load):
    """``load()``'s value for ``key``, kept for the TTL when it is not None. ``load`` is only
    called on a miss: pass a lambda, not a queryset built beforehand (building one costs CPU)."""
    ttl = settings.RAVAO_HOT_CACHE_SECONDS
    if ttl <= 0:
        return load()
    store = _stores[kind]
    now = time.monotonic()
    hit = store.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    if value is not None:
        if len(store) >= _MAX_ENTRIES:
            store.clear()
        store[key] = (now + ttl, value)
    return value


def forget(kind: str, key) -> None:
    _stores[kind].pop(key, None)


def clear(*_args, **_kwargs) -> None:
    """Forget everything (signal receiver; tests call it between cases)."""
    for store in _stores.values():
        store.clear()
