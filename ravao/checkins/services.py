"""The check-in path: one code path for visitor self check-in (page and API) and gate scans.

``checkin_self`` and ``checkin_scan`` resolve who is checking in, then both call ``_record``,
which applies the visit semantics (docs/api-checkins.md):

* idempotency: a ``client_id`` seen before returns the stored answer (200), writes nothing;
* a repeat of the same person at the same venue within RAVAO_REPEAT_SCAN_MINUTES is the same
  visit ("already inside"); an exit scan or the check-out button closes the open visit;
* ``checked_out_at`` is always set: check-in + the venue's default stay until a real check-out;
* vehicles: the visit belongs to the trip running at that time; events: only within the
  event's window plus RAVAO_EVENT_GRACE_MINUTES; suspended and closed venues refuse;
* the status colour is that of the latest valid declaration, else ``undeclared``.

The hot path (a gate scan) is one transaction of four statements (the person with their colour,
the open visit, the visit INSERT, the replay row's INSERT … ON CONFLICT), in plain SQL where the
ORM's compilation cost more CPU than the statement; venues, memberships and tokens come from the
worker's memory (ravao/core/hotcache.py). docs/performance.md has the figures.
"""

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.api.errors import Conflict, NotFound, ServiceError
from ravao.checkins import conf
from ravao.checkins.models import Channel, CheckinReplay, CheckoutMethod, HealthStatus, Visit
from ravao.core import hotcache
from ravao.core.crypto import derive_key
from ravao.people import services as people
from ravao.people.identity import clean_name, looks_like_cccd, mask_name, parse_cccd
from ravao.people.models import Person

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOLDER_FLAG = "holder_given"  # kept in the replay body, never answered
EXIT_LOOKBACK = timedelta(hours=16)
MAX_COMPANIONS = 10


@dataclass
class PersonInput:
    full_name: str = ""
    phone: str = ""
    id_number: str = ""
    birth_year: int | str | None = None
    sex: str = ""
    nationality: str = "VN"
    unit_code: str = ""
    street: str = ""


@dataclass
class CompanionInput:
    full_name: str = ""
    birth_year: int | str | None = None
    sex: str = ""
    declaration: dict | None = None


@dataclass
class Arrival:
    """Where and when: what ``_record`` needs about the venue side of a check-in."""

    venue: object
    entrance: object = None
    at: datetime = field(default_factory=timezone.now)
    direction: str = "in"


# --- small helpers ------------------------------------------------------------------------


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _micros(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(microseconds=1)


def _receipt_key() -> bytes:
    return _receipt_key_for(settings.SECRET_KEY)


@lru_cache(maxsize=2)
def _receipt_key_for(secret: str) -> bytes:
    return derive_key("ravao-visit-receipt")  # HKDF once per secret, not per check-in


def receipt_for(visit_id: int, checked_in_at: datetime) -> str:
    """A visitor's proof of their visit (for check-out), without storing anything: it carries
    the check-in instant, so the visit is found in its own partition."""
    micros = _micros(checked_in_at)
    mac = hmac.new(_receipt_key(), f"{visit_id}.{micros}".encode(), hashlib.sha256).hexdigest()[:20]
    return f"{micros:x}.{mac}"


def _receipt_time(visit_id: int, receipt: str) -> datetime:
    try:
        micros_hex, mac = (receipt or "").split(".", 1)
        micros = int(micros_hex, 16)
    except ValueError:
        micros, mac = -1, ""
    expected = receipt_for(visit_id, EPOCH + timedelta(microseconds=max(micros, 0))).split(".", 1)[1]
    if micros < 0 or not hmac.compare_digest(mac, expected):
        raise NotFound(_("This visit does not exist or the receipt does not match."), code="bad_receipt")
    return EPOCH + timedelta(microseconds=micros)


def check_rate(request) -> None:
    """Public check-ins per client address and window (Django's cache); 429 beyond the limit."""
    meta = request.META if request is not None else {}
    header = conf.client_ip_header()
    ip = (meta.get(header) if header else None) or meta.get("REMOTE_ADDR", "")
    window = conf.rate_window()
    key = f"ravao:checkin-rate:{ip}:{int(timezone.now().timestamp()) // window}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    if count > conf.rate_limit():
        raise ServiceError(_("Too many check-ins from this address. Wait a minute and try again."), status=429, code="rate_limited")


def check_scan_rate(user) -> None:
    """Gate scans per staff account and minute (RAVAO_SCAN_RATE_LIMIT); 429 beyond it. Generous
    for a busy gate; it stops one account from looking up people in bulk. A gate keeps refused
    scans in its queue and sends them later."""
    key = f"ravao:scan-rate:{user.pk}:{int(timezone.now().timestamp()) // 60}"
    cache.add(key, 0, 65)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    if count > conf.scan_rate_limit():
        raise ServiceError(_("Too many scans from this account in one minute. Wait a moment and try again."), status=429, code="rate_limited")


def scan_time(scanned_at: datetime | None) -> datetime:
    """The time of a scan: now, or an offline gate's original time within the allowed range."""
    now = timezone.now()
    if scanned_at is None:
        return now
    if timezone.is_naive(scanned_at):
        raise ServiceError(_("scanned_at needs a time zone (e.g. 2021-10-01T08:30:00+07:00)."), code="bad_time")
    if scanned_at < now - timedelta(hours=conf.scan_max_age_hours()):
        raise ServiceError(
            _("This scan is older than %(h)d hours and can no longer be recorded.") % {"h": conf.scan_max_age_hours()},
            code="too_old",
        )
    if scanned_at > now + timedelta(seconds=conf.scan_max_future_seconds()):
        raise ServiceError(_("This scan is dated in the future: check the scanner's clock."), code="in_future")
    return scanned_at


def _replay(client_id: uuid.UUID, actor: str) -> dict | None:
    found = CheckinReplay.objects.filter(client_id=client_id).values_list("actor", "body").first()
    if found is None:
        return None
    if found[0] != actor:
        raise Conflict(_("This client_id has already been used by another client."), code="client_id_taken")
    return found[1]


# --- venues -------------------------------------------------------------------------------


def _venue_queryset():
    from ravao.venues.models import Venue  # noqa: PLC0415

    return Venue.objects.select_related("venue_type")


def venue_public(*, code: str = "", venue_qr: str = ""):
    """(venue, entrance) from a poster QR (its URL or token) or a typed short code."""
    if venue_qr:
        from ravao.codes.signing import verify_venue_token  # noqa: PLC0415

        found = verify_venue_token(venue_qr)
        return found.venue, found.entrance
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    venue = (
        hotcache.remembered("venue", normalised, lambda: _venue_queryset().filter(code=normalised).first())
        if normalised else None
    )
    if venue is None:
        raise NotFound(_("No venue has the code “%(code)s”.") % {"code": (code or "")[:12]}, code="unknown_venue")
    return venue, None


def venue_for_staff(*, user, code: str, entrance_id: int | None = None):
    """(venue, entrance) for a gate: only venues the user works at (VenueMembership)."""
    from ravao.venues.models import VenueMembership  # noqa: PLC0415

    code = (code or "").strip().upper()
    venue = hotcache.remembered("venue", code, lambda: _venue_queryset().filter(code=code).first()) if code else None
    works_there = venue is not None and hotcache.remembered(
        "staff", (user.pk, venue.pk),
        lambda: VenueMembership.objects.filter(venue_id=venue.pk, user_id=user.pk, active=True).exists() or None,
    )
    if not works_there:
        venue = None
    if venue is None:
        raise NotFound(_("No venue with this code among the venues you work at."), code="unknown_venue")
    entrance = None
    if entrance_id:
        from ravao.venues.models import Entrance  # noqa: PLC0415

        entrance = Entrance.objects.filter(pk=entrance_id, venue=venue).first()
        if entrance is None:
            raise NotFound(_("This venue has no such entrance."), code="unknown_entrance")
    return venue, entrance


def check_venue_open(venue, at: datetime) -> None:
    """Refuse check-ins at suspended or closed venues and at events outside their window."""
    from ravao.venues.models import VenueStatus  # noqa: PLC0415

    if venue.status == VenueStatus.SUSPENDED:
        raise Conflict(_("%(venue)s is suspended: check-ins are not accepted.") % {"venue": venue.name}, code="venue_suspended")
    if venue.status == VenueStatus.CLOSED:
        raise Conflict(_("%(venue)s is closed: check-ins are not accepted.") % {"venue": venue.name}, code="venue_closed")
    if venue.venue_type.kind == "event" and venue.starts_at and venue.ends_at:
        grace = timedelta(minutes=conf.event_grace_minutes())
        if not venue.starts_at - grace <= at <= venue.ends_at + grace:
            local = timezone.localtime
            raise Conflict(
                _("%(venue)s accepts check-ins only from %(start)s to %(end)s.")
                % {
                    "venue": venue.name,
                    "start": local(venue.starts_at - grace).strftime("%d/%m/%Y %H:%M"),
                    "end": local(venue.ends_at + grace).strftime("%d/%m/%Y %H:%M"),
                },
                code="event_closed",
            )


def _trip_for(venue, at: datetime):
    if venue.venue_type.kind != "vehicle":
        return None
    from ravao.venues.models import Trip  # noqa: PLC0415

    grace = timedelta(minutes=conf.trip_grace_minutes())
    return (
        Trip.objects.filter(venue=venue, departs_at__lte=at + grace, arrives_at__gte=at - grace)
        .order_by("-departs_at")
        .only("id", "arrives_at")
        .first()
    )


# --- the one recording step ---------------------------------------------------------------


def _person_json(person: Person) -> dict:
    return {"masked_name": mask_name(person.full_name), "birth_year": person.birth_year}


def _visit_json(visit: Visit, venue, *, with_receipt: bool) -> dict:
    body = {
        "id": visit.id,
        "status": visit.status,
        "venue": {"code": venue.code, "name": venue.name},
        "entrance": visit.entrance_id,
        "trip": visit.trip_id,
        "channel": visit.channel,
        "checked_in_at": _iso(visit.checked_in_at),
        "checked_out_at": _iso(visit.checked_out_at),
        "checkout_method": visit.checkout_method,
    }
    if with_receipt:
        body["receipt"] = receipt_for(visit.id, visit.checked_in_at)
    return body


def _touch(person: Person, at: datetime) -> None:
    # Retention counts from last_seen_at; at most one write an hour per person.
    if at - person.last_seen_at > timedelta(hours=1):
        connection = transaction.get_connection()
        with connection.cursor() as cursor:  # plain SQL: the ORM's update costs more CPU than the write
            cursor.execute(
                f"UPDATE {Person._meta.db_table} SET last_seen_at = %s WHERE id = %s",
                [connection.ops.adapt_datetimefield_value(at), person.pk],
            )


def _open_visit(person: Person, venue, at: datetime, lookback: timedelta) -> Visit | None:
    # Plain SQL (the ORM's compilation costs more CPU than the indexed read itself).
    from django.db import connection  # noqa: PLC0415

    adapt = connection.ops.adapt_datetimefield_value
    found = Visit.objects.raw(
        "SELECT id, checked_in_at, checked_out_at, checkout_method, status, entrance_id, trip_id, channel "
        f"FROM {Visit._meta.db_table} WHERE person_id = %s AND venue_id = %s AND checked_in_at >= %s "
        "AND checked_in_at <= %s ORDER BY checked_in_at DESC LIMIT 1",
        [person.pk, venue.pk, adapt(at - lookback), adapt(at)],
    )
    return next(iter(found), None)


def _visit_in(*, person: Person, arrival: Arrival, channel: str, status: str, trip, companion_of=None,
              merge: bool = True) -> tuple[Visit, bool]:
    """The visit for a check-in: the open one if this is a repeat within the window (second
    value True), else a new one (an older open visit there is closed at this instant).
    ``merge`` False (a submitter not known to be the person): always a new visit, and the
    person's open visit is left alone (its receipt, colour and times are theirs)."""
    venue, at = arrival.venue, arrival.at
    window = timedelta(minutes=conf.repeat_scan_minutes())
    stay = timedelta(minutes=venue.default_stay_minutes)
    fresh = getattr(person, "just_created", False) or not merge
    recent = None if fresh else _open_visit(person, venue, at, max(window, stay))
    if recent is not None and recent.checkout_method == CheckoutMethod.AUTO and recent.checked_out_at > at:
        if at - recent.checked_in_at <= window:
            if status != HealthStatus.UNDECLARED and status != recent.status:
                Visit.objects.filter(id=recent.id, checked_in_at=recent.checked_in_at).update(status=status)
                recent.status = status
            return recent, True
        Visit.objects.filter(id=recent.id, checked_in_at=recent.checked_in_at).update(checked_out_at=at)
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
        companion_of=companion_of,
    )
    _insert(visit)
    return visit, False


def _insert(visit: Visit) -> None:
    """``visit.save(force_insert=True)`` in one plain ``INSERT … RETURNING id`` (no save
    machinery: Visit has no signals, and its fields need no pre-save work)."""
    connection = transaction.get_connection()
    fields = [f for f in Visit._meta.concrete_fields if not f.primary_key]
    params = [f.get_db_prep_save(getattr(visit, f.attname), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Visit._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id",
            params,
        )
        visit.id = cursor.fetchone()[0]
    visit._state.adding, visit._state.db = False, connection.alias


def _visit_out(*, person: Person, arrival: Arrival) -> tuple[Visit, bool]:
    """Exit scan: close the person's open visit here at the scan's time."""
    recent = _open_visit(person, arrival.venue, arrival.at, EXIT_LOOKBACK)
    if recent is None:
        raise Conflict(_("This person has not checked in here: there is no visit to close."), code="no_open_visit")
    if recent.checkout_method != CheckoutMethod.AUTO:
        return recent, True  # already checked out (a second exit scan)
    Visit.objects.filter(id=recent.id, checked_in_at=recent.checked_in_at).update(
        checked_out_at=arrival.at, checkout_method=CheckoutMethod.SCAN
    )
    recent.checked_out_at, recent.checkout_method = arrival.at, CheckoutMethod.SCAN
    # Companions leave with the person who brought them.
    # venue_id + checked_in_at: the (venue, checked_in_at) index finds companions (same instant).
    Visit.objects.filter(
        venue_id=arrival.venue.pk, checked_in_at=recent.checked_in_at, companion_of=recent.id,
        checkout_method=CheckoutMethod.AUTO,
    ).update(
        checked_out_at=arrival.at, checkout_method=CheckoutMethod.SCAN
    )
    return recent, False


class _Answered(Exception):
    """This client_id already has an answer: roll the work back and give that answer."""


def _claim(client_id, actor: str, body: dict) -> bool:
    """Store ``body`` as the answer to ``client_id`` unless it has one (``INSERT … ON CONFLICT
    DO NOTHING``: a concurrent duplicate waits for the first one's commit). True if stored."""
    connection = transaction.get_connection()
    fields = {f.column: f for f in CheckinReplay._meta.concrete_fields}
    values = {"client_id": client_id, "actor": actor, "body": body, "created_at": timezone.now()}
    params = [fields[column].get_db_prep_save(value, connection) for column, value in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CheckinReplay._meta.db_table} ({', '.join(values)}) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (client_id) DO NOTHING",
            params,
        )
        return cursor.rowcount == 1


def _idempotent(client_id, actor: str, work, *, replayed=None) -> tuple[int, dict]:
    """Run ``work()`` (returns the body) once per client_id: (201, body) the first time,
    (200, stored body) after. ``work`` and the replay row share one transaction: the row is
    claimed last (one statement), and if the client_id was answered before (a retry, or a
    concurrent duplicate that committed first) everything ``work`` wrote rolls back and the
    stored answer is given, even if ``work`` now refuses (e.g. the venue was suspended since).
    ``replayed()`` is called when the stored answer is given."""
    if client_id is None:
        raise ServiceError(_("client_id is required (a UUID made by the client)."), code="client_id_required")
    try:
        with transaction.atomic():
            status, body = work()
            if not _claim(client_id, actor, body):
                raise _Answered
        return status, body
    except (_Answered, ServiceError, IntegrityError):
        stored = _replay(client_id, actor)
        if stored is None:
            raise
        if replayed is not None:
            replayed()
        return 200, stored


# --- self check-in (poster page and public API) -------------------------------------------


def checkin_self(
    *,
    client_id,
    person: PersonInput,
    code: str = "",
    venue_qr: str = "",
    declaration: dict | None = None,
    companions: list[CompanionInput] = (),
    holder: str = "",
) -> tuple[int, dict]:
    """A visitor checks in (with companions) by a poster or a typed code. Returns (HTTP status,
    body). Raises ServiceError before writing anything.

    ``holder``: the holder link this device was given at an earlier check-in (one-tap visits).
    The answer's ``holder`` (the person's own QR page, a bearer secret) is given only when this
    submission created the person or the device sent that person's current holder link: typing
    somebody's ID number or phone and name must not open their QR page. Only a proved device
    may replace the phone on record."""

    made = {}

    def work():
        venue, entrance = venue_public(code=code, venue_qr=venue_qr)
        arrival = Arrival(venue=venue, entrance=entrance)
        check_venue_open(venue, arrival.at)
        if len(companions) > MAX_COMPANIONS:
            raise ServiceError(_("At most %(n)d companions per check-in.") % {"n": MAX_COMPANIONS}, code="too_many_companions")
        for c in companions:
            clean_name(c.full_name)
            if people.clean_birth_year(c.birth_year) is None:
                raise ServiceError(_("A companion needs a name and a birth year."), code="companion_birth_year")
        trip = _trip_for(venue, arrival.at)
        owner_id = people.holder_person_id(holder)
        main = people.person_find_or_create(
            full_name=person.full_name, phone=person.phone, id_number=person.id_number,
            birth_year=person.birth_year, sex=person.sex, nationality=person.nationality,
            unit_code=person.unit_code, street=person.street, owner_id=owner_id,
        )
        own = getattr(main, "just_created", False) or main.pk == owner_id
        declarations = []
        status = _declare(main, declaration, arrival.at, declarations, known=own)
        visit, repeat = _visit_in(person=main, arrival=arrival, channel=Channel.SELF, status=status, trip=trip, merge=own)
        body = _visit_json(visit, venue, with_receipt=True)
        # Whoever cannot show it is the person's own device learns nothing stored about them
        # (not their colour, birth year or name): the answer echoes what was typed.
        shown = main if own else Person(full_name=main_name(person), birth_year=_typed_year(person.birth_year))
        body.update(repeat=repeat, person=_person_json(shown), companions=[])
        if own:
            made["holder"] = people.holder_token(main)
        body[HOLDER_FLAG] = own
        known = list(main.companions.all()) if companions else []
        for c in companions:
            companion = people.companion_find_or_create(
                guardian=main, full_name=c.full_name, birth_year=c.birth_year, sex=c.sex, known=known
            )
            c_status = _declare(
                companion, c.declaration if c.declaration is not None else declaration, arrival.at, declarations, known=own
            )
            c_visit, c_repeat = _visit_in(
                person=companion, arrival=arrival, channel=Channel.COMPANION, status=c_status, trip=trip,
                companion_of=visit.id, merge=own,
            )
            body["companions"].append(
                {**_visit_json(c_visit, venue, with_receipt=True), "repeat": c_repeat, "person": _person_json(companion)}
            )
        if declarations:
            type(declarations[0]).objects.bulk_create(declarations)
        _touch(main, arrival.at)
        return (200 if repeat else 201), body

    status, body = _idempotent(client_id, "public", work, replayed=made.clear)
    # The holder link (the person's own QR page) is a bearer secret: it is not kept in the
    # replay table (only whether it was given); a replay makes it again from the visit.
    body = dict(body)
    own = body.pop(HOLDER_FLAG, False)
    if "holder" in made:
        return status, {**body, "holder": made["holder"]}
    if not own:
        return status, {**body, "holder": ""}
    person_id = (
        Visit.objects.filter(id=body["id"], checked_in_at=_receipt_time(body["id"], body["receipt"]))
        .values_list("person_id", "person__qr_version")
        .first()
    )
    holder = people.holder_token(Person(pk=person_id[0], qr_version=person_id[1])) if person_id else ""
    return status, {**body, "holder": holder}


def main_name(person: PersonInput) -> str:
    return clean_name(person.full_name)


def _typed_year(value) -> int | None:
    try:
        return people.clean_birth_year(value)
    except ServiceError:
        return None


def _declare(person: Person, answers: dict | None, at: datetime, pending: list, *, known: bool = True) -> str:
    """The status for this check-in: from the declaration submitted now (queued for saving in
    bulk), else from the latest valid one, if the submitter is known to be the person (``known``:
    a new person or a proved device); a typed ID number alone does not read anyone's colour."""
    if answers is None:
        if getattr(person, "just_created", False) or not known:
            return HealthStatus.UNDECLARED
        return people.current_status(person_id=person.pk, at=at)
    declaration = people.declaration_build(person=person, answers=answers, at=at)
    pending.append(declaration)
    return declaration.status


# --- gate scans ---------------------------------------------------------------------------


_YEAR_SEP = re.compile(r"[\s/]+")


def typed_number(text: str) -> tuple[str, int | None]:
    """A typed number and the birth year typed after it, if any: “0912 345 678 1990” or
    “0912345678/1990”. A text that is a valid number as a whole keeps all its digits."""
    text = (text or "").strip()
    parts = _YEAR_SEP.split(text)
    if len(parts) < 2 or not (len(parts[-1]) == 4 and parts[-1].isdigit()):
        return text, None
    if _is_number(text.replace("/", "")):
        return text, None
    rest = text[: text.rstrip().rindex(parts[-1])].rstrip(" /\t")
    if not _is_number(rest):
        return text, None
    return rest, int(parts[-1])


def _is_number(text: str) -> bool:
    from ravao.people.identity import IdentityError, normalise_id_number, normalise_phone  # noqa: PLC0415

    for normalise in (normalise_id_number, normalise_phone):
        try:
            normalise(text)
            return True
        except IdentityError:
            continue
    return False


def person_for_scan(text: str, *, birth_year=None, status_at=None) -> tuple[Person, str]:
    """Who a scanned text is: a Ravao personal QR, a chip ID card QR, or a typed phone or ID
    number (manual entry) with the birth year the person gives (``birth_year``, or typed after
    the number). Anything else is refused with a clear message. ``status_at``: also read the
    person's colour at that time in the same query (``status_now``)."""
    from ravao.codes.signing import PERSON_PREFIX, VENUE_PREFIX, CodeError, verify_person_qr  # noqa: PLC0415

    text = (text or "").strip()
    if not text:
        raise CodeError(_("Nothing was scanned."), code="empty")
    if text.startswith(PERSON_PREFIX + "."):
        token = verify_person_qr(text)
        found = people.person_for_qr(person_id=token.person_id, qr_version=token.qr_version, status_at=status_at)
        return found, Channel.PERSONAL_QR
    if looks_like_cccd(text):
        return people.person_from_card(parse_cccd(text), status_at=status_at), Channel.CCCD
    number, typed_year = typed_number(text)
    compact = number.replace(" ", "").replace(".", "").replace("-", "")
    if len(compact) <= 16 and compact.lstrip("+").isalnum() and any(ch.isdigit() for ch in compact) and "/" not in number:
        year = birth_year if birth_year not in (None, "") else typed_year
        return people.person_by_number(number, birth_year=year, status_at=status_at), Channel.MANUAL
    if "/v/" in text or text.startswith(VENUE_PREFIX + "."):
        raise CodeError(_("This is a venue poster, not a person's code. Scan the visitor's personal QR or ID card."), code="venue_code")
    raise CodeError(
        _("This code is not recognised. Scan a Ravao personal QR or a chip ID card (CCCD) QR, or type a phone or ID number."),
        code="unrecognised",
    )


def checkin_scan(
    *, user, client_id, venue_code: str, text: str, entrance_id: int | None = None,
    scanned_at: datetime | None = None, direction: str = "in", birth_year: int | None = None,
) -> tuple[int, dict]:
    """A gate scan (camera, HID scanner or typed number) by staff of the venue. Returns (HTTP
    status, body): 201 new visit, 200 repeat or exit, 200 replay of a client_id. A typed number
    needs the person's ``birth_year`` (see ``people.services.person_by_number``); scans are
    limited per account (``check_scan_rate``)."""
    if direction not in ("in", "out"):
        raise ServiceError(_("direction must be “in” or “out”."), code="bad_direction")
    check_scan_rate(user)

    def work():
        venue, entrance = venue_for_staff(user=user, code=venue_code, entrance_id=entrance_id)
        arrival = Arrival(venue=venue, entrance=entrance, at=scan_time(scanned_at), direction=direction)
        if direction == "in":
            check_venue_open(venue, arrival.at)
        person, channel = person_for_scan(text, birth_year=birth_year, status_at=arrival.at if direction == "in" else None)
        if direction == "out":
            visit, repeat = _visit_out(person=person, arrival=arrival)
        else:
            if getattr(person, "just_created", False):
                status = HealthStatus.UNDECLARED
            elif hasattr(person, "status_now"):
                status = person.status_now or HealthStatus.UNDECLARED
            else:
                status = people.current_status(person_id=person.pk, at=arrival.at)
            visit, repeat = _visit_in(person=person, arrival=arrival, channel=channel, status=status, trip=_trip_for(venue, arrival.at))
        body = _visit_json(visit, venue, with_receipt=False)
        body.update(
            direction=direction, repeat=repeat, already_inside=repeat and direction == "in",
            person=_person_json(person),
        )
        _touch(person, arrival.at)
        return (201 if not repeat and direction == "in" else 200), body

    return _idempotent(client_id, f"user:{user.pk}", work)


@transaction.atomic
def declaration_on_behalf(*, user, venue_code: str, visit_id: int, answers: dict) -> dict:
    """Gate staff record a declaration for the person of a visit at their venue; the visit
    takes its colour."""
    venue, _entrance = venue_for_staff(user=user, code=venue_code)
    visit = Visit.objects.filter(id=visit_id, venue_id=venue.pk).select_related("person").first()
    if visit is None:
        raise NotFound(_("No such visit at this venue."), code="unknown_visit")
    declaration = people.declaration_record(person=visit.person, answers=answers, recorded_by=user)
    Visit.objects.filter(id=visit.id, checked_in_at=visit.checked_in_at).update(status=declaration.status)
    visit.status = declaration.status
    body = _visit_json(visit, venue, with_receipt=False)
    body.update(person=_person_json(visit.person), valid_until=_iso(declaration.valid_until))
    return body


# --- check-out ----------------------------------------------------------------------------


@transaction.atomic
def checkout_button(*, visit_id: int, receipt: str) -> dict:
    """The visitor's check-out button (with the receipt given at check-in). Idempotent: a
    second press keeps the first time. Companions checked in with the visit leave too."""
    checked_in_at = _receipt_time(visit_id, receipt)
    visit = Visit.objects.filter(id=visit_id, checked_in_at=checked_in_at).select_related("venue").first()
    if visit is None:
        raise NotFound(_("This visit does not exist or the receipt does not match."), code="bad_receipt")
    now = timezone.now()
    if visit.checkout_method == CheckoutMethod.AUTO:
        if now - visit.checked_in_at > timedelta(hours=24):
            raise Conflict(_("This visit is too old to check out now; it was closed automatically."), code="too_late")
        Visit.objects.filter(id=visit.id, checked_in_at=checked_in_at).update(checked_out_at=now, checkout_method=CheckoutMethod.BUTTON)
        Visit.objects.filter(
            venue_id=visit.venue_id, checked_in_at=checked_in_at, companion_of=visit.id,
            checkout_method=CheckoutMethod.AUTO,
        ).update(
            checked_out_at=now, checkout_method=CheckoutMethod.BUTTON
        )
        visit.checked_out_at, visit.checkout_method = now, CheckoutMethod.BUTTON
    return _visit_json(visit, visit.venue, with_receipt=True)


def visit_by_receipt(*, visit_id: int, receipt: str) -> Visit:
    """The visit a receipt proves (the confirmation page), with venue and person."""
    checked_in_at = _receipt_time(visit_id, receipt)
    visit = Visit.objects.filter(id=visit_id, checked_in_at=checked_in_at).select_related("venue", "person").first()
    if visit is None:
        raise NotFound(_("This visit does not exist or the receipt does not match."), code="bad_receipt")
    return visit


def replays_purge(*, before: datetime | None = None) -> int:
    """Forget client_id answers older than RAVAO_REPLAY_KEEP_HOURS (retention calls this)."""
    before = before or timezone.now() - timedelta(hours=conf.replay_keep_hours())
    return CheckinReplay.objects.filter(created_at__lt=before).delete()[0]
