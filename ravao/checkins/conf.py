"""Check-in settings (defined in ravao/settings.py from the environment; see docs/configuration.md).

* ``RAVAO_REPEAT_SCAN_MINUTES`` (30): a second check-in of the same person at the same venue
  within this time is the same visit ("already inside").
* ``RAVAO_EVENT_GRACE_MINUTES`` (60): an event accepts check-ins this long before it starts and
  after it ends.
* ``RAVAO_TRIP_GRACE_MINUTES`` (30): a vehicle check-in belongs to a trip departing up to this
  long after it (boarding) or that arrived up to this long before it.
* ``RAVAO_SCAN_MAX_AGE_HOURS`` (72) / ``RAVAO_SCAN_MAX_FUTURE_SECONDS`` (60): how far an offline
  gate's ``scanned_at`` may lie in the past / future.
* ``RAVAO_CHECKIN_RATE_LIMIT`` (120) per ``RAVAO_CHECKIN_RATE_WINDOW`` seconds (60): public
  check-ins per client address (``ravao.core.net.client_ip``; counted by ravao/core/ratelimit.py).
  Generous on purpose: mobile carriers put many phones behind one address (CGNAT), and a crowded
  gate must not be refused.
* ``RAVAO_SCAN_BACKDATE_MINUTES`` (5): a scan dated further back than this needs the signature
  of a gate phone enrolled by the sending account (docs/identity.md).
* ``RAVAO_TYPED_NUMBER_LIMIT`` (10): look-ups of one typed phone or ID number per hour, whatever
  the accounts typing it; beyond it 429 (scan the card instead).
* ``RAVAO_SCAN_RATE_LIMIT`` (240): gate scans per staff account and minute; beyond it 429
  (the gate keeps the scan queued and sends it later). Stops one account from looking people
  up in bulk; a busy gate scans far fewer.
* ``RAVAO_REPLAY_KEEP_HOURS`` (96): how long client_id answers are kept for replays.
* ``RAVAO_HOT_CACHE_SECONDS`` (60): per-worker memory of venues by code, gate memberships and
  API tokens (ravao/core/hotcache.py): a suspension, closure or removed membership made elsewhere
  takes effect within this time (at once in the process that saved it). A revoked token or a
  deactivated account is refused at once everywhere (checked per request: accounts/services.py).
"""

from django.conf import settings


def _get(name: str, default: int) -> int:
    return getattr(settings, name, default)


def repeat_scan_minutes() -> int:
    return _get("RAVAO_REPEAT_SCAN_MINUTES", 30)


def event_grace_minutes() -> int:
    return _get("RAVAO_EVENT_GRACE_MINUTES", 60)


def trip_grace_minutes() -> int:
    return _get("RAVAO_TRIP_GRACE_MINUTES", 30)


def scan_max_age_hours() -> int:
    return _get("RAVAO_SCAN_MAX_AGE_HOURS", 72)


def scan_max_future_seconds() -> int:
    return _get("RAVAO_SCAN_MAX_FUTURE_SECONDS", 60)


def rate_limit() -> int:
    return _get("RAVAO_CHECKIN_RATE_LIMIT", 120)


def rate_window() -> int:
    return _get("RAVAO_CHECKIN_RATE_WINDOW", 60)


def typed_number_limit() -> int:
    return _get("RAVAO_TYPED_NUMBER_LIMIT", 10)


def scan_backdate_minutes() -> int:
    return _get("RAVAO_SCAN_BACKDATE_MINUTES", 5)


def scan_rate_limit() -> int:
    return _get("RAVAO_SCAN_RATE_LIMIT", 240)


def replay_keep_hours() -> int:
    return _get("RAVAO_REPLAY_KEEP_HOURS", 96)
