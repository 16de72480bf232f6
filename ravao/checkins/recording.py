"""The one recording step that every check-in goes through (self check-in, gate scan,
companions): the visit semantics of docs/api-checkins.md, in the few SQL statements of the hot
path (ravao/core/fastsql.py: prepared on PostgreSQL, no ORM compilation).

* a repeat of the same person at the same venue within RAVAO_REPEAT_SCAN_MINUTES is the same
  visit ("already inside"); an older open visit there is closed by the new arrival;
* ``checked_out_at`` is always set: check-in + the venue's default stay until a real check-out,
  no later than the end of an event or the arrival of a trip;
* an exit scan closes the open visit (and the companions' visits) at the scan's time;
* receipts: a visitor's proof of their visit (HMAC of id and instant), nothing stored.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.checkins import conf
from ravao.checkins.models import CheckoutMethod, HealthStatus, Visit
from ravao.core import fastsql
from ravao.core.crypto import derive_key
from ravao.core.errors import Conflict, NotFound
from ravao.core.masking import mask_name
from ravao.people.models import Person

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EXIT_LOOKBACK = timedelta(hours=16)
VISIT_T = Visit._meta.db_table


@dataclass
class Arrival:
    """Where and when: the venue side of a check-in."""

    venue: object
    entrance: object = None
    at: datetime = field(default_factory=timezone.now)
    direction: str = "in"


# --- receipts and what venues see -------------------------------------------------------------


def _micros(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(microseconds=1)


@lru_cache(maxsize=2)
def _receipt_key_for(secret: str) -> bytes:
    return derive_key("ravao-visit-receipt")  # HKDF once per secret, not per check-in


def receipt_for(visit_id: int, checked_in_at: datetime) -> str:
    """A visitor's proof of their visit (for check-out), without storing anything: it carries
    the check-in instant, so the visit is found in its own partition."""
    micros = _micros(checked_in_at)
    mac = hmac.new(_receipt_key_for(settings.SECRET_KEY), f"{visit_id}.{micros}".encode(), hashlib.sha256)
    return f"{micros:x}.{mac.hexdigest()[:20]}"


def receipt_time(visit_id: int, receipt: str) -> datetime:
    """The check-in instant a receipt carries, or NotFound if it is not this visit's."""
    try:
        micros_hex, mac = (receipt or "").split(".", 1)
        # 15 hex digits of microseconds reach the year 3000; more cannot be a date (OverflowError).
        micros = int(micros_hex, 16) if len(micros_hex) <= 15 else -1
    except ValueError:
        micros, mac = -1, ""
    expected = receipt_for(visit_id, EPOCH + timedelta(microseconds=max(micros, 0))).split(".", 1)[1]
    if micros < 0 or not hmac.compare_digest(mac, expected):
        raise NotFound(_("This visit does not exist or the receipt does not match."), code="bad_receipt")
    return EPOCH + timedelta(microseconds=micros)


def person_json(person: Person) -> dict:
    """What a venue or gate may see of a person: the masked name and the birth year."""
    return {"masked_name": mask_name(person.full_name), "birth_year": person.birth_year}


# --- the statements -----------------------------------------------------------------------


def _adapt(at: datetime):
    return transaction.get_connection().ops.adapt_datetimefield_value(at)


def touch(person: Person, at: datetime) -> None:
    """Retention counts from ``last_seen_at``: at most one write an hour per person."""
    if at - person.last_seen_at > timedelta(hours=1):
        with fastsql.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Person._meta.db_table} SET last_seen_at = %s WHERE id = %s", [_adapt(at), person.pk]
            )


_OPEN = ("id", "checked_in_at", "checked_out_at", "checkout_method", "status", "entrance_id", "trip_id", "channel")


def open_visit(person: Person, venue, at: datetime, lookback: timedelta) -> Visit | None:
    """The person's latest visit here that began within ``lookback`` before ``at``. Unproven
    claims (docs/identity.md) are not the person's visits: a gate scan neither merges into one
    nor closes one."""
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT {fastsql.columns(Visit, fields=_OPEN)} FROM {VISIT_T} WHERE person_id = %s AND venue_id = %s "
            "AND proven AND checked_in_at >= %s AND checked_in_at <= %s ORDER BY checked_in_at DESC LIMIT 1",
            [person.pk, venue.pk, _adapt(at - lookback), _adapt(at)],
        )
        found = fastsql.models(
            Visit, cursor.fetchall(), cursor.db, fields=_OPEN, person_id=person.pk, venue_id=venue.pk
        )
    return found[0] if found else None


def _set(visit: Visit, **values) -> None:
    """UPDATE one visit (found in its partition by id and check-in time)."""
    names = list(values)
    params = [Visit._meta.get_field(n).get_db_prep_save(values[n], transaction.get_connection()) for n in names]
    with fastsql.cursor() as cursor:
        cursor.execute(
            f"UPDATE {VISIT_T} SET {', '.join(f'{n} = %s' for n in names)} WHERE id = %s AND checked_in_at = %s",
            [*params, visit.id, _adapt(visit.checked_in_at)],
        )
    for n in names:
        setattr(visit, n, values[n])


_INSERT_FIELDS = [f for f in Visit._meta.concrete_fields if not f.primary_key]
_INSERT_SQL = (
    f"INSERT INTO {VISIT_T} ({', '.join(chr(34) + f.column + chr(34) for f in _INSERT_FIELDS)}) "
    f"VALUES ({', '.join(['%s'] * len(_INSERT_FIELDS))}) RETURNING id"
)


def insert(visit: Visit) -> None:
    """``visit.save(force_insert=True)`` as one prepared ``INSERT … RETURNING id`` (Visit has
    no signals, and its fields need no pre-save work)."""
    connection = transaction.get_connection()
    params = [f.get_db_prep_save(getattr(visit, f.attname), connection) for f in _INSERT_FIELDS]
    with fastsql.cursor() as cursor:
        cursor.execute(_INSERT_SQL, params)
        visit.id = cursor.fetchone()[0]
    visit._state.adding, visit._state.db = False, connection.alias


# --- arrival and exit -----------------------------------------------------------------------


def visit_in(
    *, person: Person, arrival: Arrival, channel: str, status: str, trip, companion_of=None, merge: bool = True
) -> tuple[Visit, bool]:
    """The visit for a check-in: the open one if this is a repeat within the window (second
    value True), else a new one (an older open visit there is closed at this instant).
    ``merge`` False (a submitter not known to be the person): always a new visit, marked
    unproven, and the person's open visit is left alone (its receipt, colour and times are
    theirs)."""
    venue, at = arrival.venue, arrival.at
    window = timedelta(minutes=conf.repeat_scan_minutes())
    stay = timedelta(minutes=venue.default_stay_minutes)
    fresh = getattr(person, "just_created", False) or not merge
    recent = None if fresh else open_visit(person, venue, at, max(window, stay))
    if recent is not None and recent.checkout_method == CheckoutMethod.AUTO and recent.checked_out_at > at:
        if at - recent.checked_in_at <= window:
            if status != HealthStatus.UNDECLARED and status != recent.status:
                _set(recent, status=status)
            return recent, True
        _set(recent, checked_out_at=at)
    # Automatic check-out: after the default stay, but no later than the end of the event or
    # the arrival of the trip (nobody stays on a bus after it arrives).
    out = at + stay
    if venue.venue_type.kind == "event" and venue.ends_at:
        out = min(out, venue.ends_at + timedelta(minutes=conf.event_grace_minutes()))
    if trip is not None:
        out = min(out, trip.arrives_at)
    out = max(out, at)
    visit = Visit(
        venue_id=venue.pk,
        entrance_id=arrival.entrance.pk if arrival.entrance is not None else None,
        trip_id=trip.pk if trip is not None else None,
        person_id=person.pk,
        checked_in_at=at,
        checked_out_at=out,
        checkout_method=CheckoutMethod.AUTO,
        channel=channel,
        status=status,
        # A self check-in by someone not known to be the person is kept as an unproven claim
        # (docs/identity.md): it never changes what gates show, and tracers see it marked.
        proven=merge,
        companion_of=companion_of,
    )
    insert(visit)
    return visit, False


def visit_out(*, person: Person, arrival: Arrival) -> tuple[Visit, bool]:
    """Exit scan: close the person's open visit here at the scan's time."""
    recent = open_visit(person, arrival.venue, arrival.at, EXIT_LOOKBACK)
    if recent is None:
        raise Conflict(_("This person has not checked in here: there is no visit to close."), code="no_open_visit")
    if recent.checkout_method != CheckoutMethod.AUTO:
        return recent, True  # already checked out (a second exit scan)
    _set(recent, checked_out_at=arrival.at, checkout_method=CheckoutMethod.SCAN)
    # Companions leave with the person who brought them.
    # venue_id + checked_in_at: the (venue, checked_in_at) index finds companions (same instant).
    Visit.objects.filter(
        venue_id=arrival.venue.pk,
        checked_in_at=recent.checked_in_at,
        companion_of=recent.id,
        checkout_method=CheckoutMethod.AUTO,
    ).update(checked_out_at=arrival.at, checkout_method=CheckoutMethod.SCAN)
    return recent, False
