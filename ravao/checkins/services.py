"""The check-in path: one code path for visitor self check-in (page and API) and gate scans.

``checkin_self`` and ``checkin_scan`` resolve the venue and who is checking in, then record the
visit through ravao/checkins/recording.py (the visit semantics of docs/api-checkins.md), once
per ``client_id`` (ravao/checkins/replay.py), and return what was done as a
``results.CheckinResult`` (no HTTP, no JSON: the API makes its answer in answers.py):

* vehicles: the visit belongs to the trip running at that time; events: only within the
  event's window plus RAVAO_EVENT_GRACE_MINUTES; suspended and closed venues refuse;
* the status colour is that of the latest valid declaration, else ``undeclared``.

The hot path (a gate scan) is one transaction of four statements (the person with their colour,
the open visit, the visit INSERT, the replay row's INSERT … ON CONFLICT), in plain SQL prepared
by PostgreSQL (ravao/core/fastsql.py); venues, memberships and tokens come from the worker's
memory (ravao/core/hotcache.py). docs/performance.md has the figures.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import devices
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.checkins import conf, replay
from ravao.checkins.answers import kept_checkin, kept_scan, replayed_checkin, replayed_scan
from ravao.checkins.models import Channel, CheckoutMethod, HealthStatus, Visit
from ravao.checkins.outcomes import outcome_record
from ravao.checkins.places import check_venue_open, trip_for, venue_for_staff, venue_known, venue_public
from ravao.checkins.recording import Arrival, receipt_for, receipt_time, touch, visit_in, visit_out
from ravao.checkins.results import CheckinResult, DeclarationResult, Shown
from ravao.checkins.scan_text import person_for_scan
from ravao.core import ratelimit
from ravao.core.errors import Conflict, NotFound, ServiceError
from ravao.health import rules as colour_rules
from ravao.people import services as people
from ravao.people.identity import (
    clean_name,
)
from ravao.people.models import Person

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
    unit_generation: str = ""
    street: str = ""

    def details(self) -> dict:
        """The person's details keyed as the declaration form's fields (formspec.PERSON_KEYS)."""
        return {
            "full_name": self.full_name,
            "phone": self.phone,
            "id_number": self.id_number,
            "birth_year": self.birth_year,
            "sex": self.sex,
            "nationality": self.nationality,
            "unit": self.unit_code,
            "street": self.street,
        }


@dataclass
class CompanionInput:
    full_name: str = ""
    birth_year: int | str | None = None
    sex: str = ""
    declaration: dict | None = None


# --- small helpers ------------------------------------------------------------------------


def check_rate(request) -> None:
    """Public check-ins per client address and window (ravao/core/ratelimit.py); 429 beyond."""
    ratelimit.check(
        "checkin-rate",
        ratelimit.client_key(request),
        limit=conf.rate_limit(),
        window=conf.rate_window(),
        message=_("Too many check-ins from this address. Wait a minute and try again."),
    )


def check_scan_rate(user) -> None:
    """Gate scans per staff account and minute (RAVAO_SCAN_RATE_LIMIT); 429 beyond it. Generous
    for a busy gate; it stops one account from looking up people in bulk. A gate keeps refused
    scans in its queue and sends them later."""
    ratelimit.check(
        "scan-rate",
        user.pk,
        limit=conf.scan_rate_limit(),
        window=60,
        message=_("Too many scans from this account in one minute. Wait a moment and try again."),
    )


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


# --- self check-in (poster page and public API) -------------------------------------------


def checkin_self(
    *,
    client_id,
    person: PersonInput,
    code: str = "",
    venue_qr: str = "",
    venue=None,
    entrance=None,
    declaration: dict | None = None,
    companions: list[CompanionInput] = (),
    holder: str = "",
    form_version: str = "",
) -> CheckinResult:
    """A visitor checks in (with companions) at a venue given by a poster (``venue_qr``), a
    typed ``code``, or already resolved (``venue``/``entrance``: the visitor page checked the
    poster to show its form, and does not check it again). Returns what was done
    (results.CheckinResult); raises ServiceError before writing anything.

    ``declaration``: the health answers; with them, the whole form (the person's details too)
    is checked against the current version (``form_version``: the one the page showed).
    ``holder``: the holder link this device was given at an earlier check-in (one-tap visits).
    The result's ``holder`` (the person's own QR page, a bearer secret) is given only when this
    submission created the person or the device sent that person's current holder link: typing
    somebody's ID number or phone and name must not open their QR page. Only a proved device
    may replace the phone on record."""

    def work() -> CheckinResult:
        place, door = (venue, entrance) if venue is not None else venue_public(code=code, venue_qr=venue_qr)
        arrival = Arrival(venue=place, entrance=door)
        check_venue_open(place, arrival.at)
        if len(companions) > MAX_COMPANIONS:
            raise ServiceError(
                _("At most %(n)d companions per check-in.") % {"n": MAX_COMPANIONS}, code="too_many_companions"
            )
        form = None
        if declaration is not None:
            form = people.declaration_check(details=person.details(), answers=declaration, version=form_version or None)
        for c in companions:
            clean_name(c.full_name)
            if people.clean_birth_year(c.birth_year) is None:
                raise ServiceError(_("A companion needs a name and a birth year."), code="companion_birth_year")
        trip = trip_for(place, arrival.at)
        owner_id = people.holder_person_id(holder)
        main = people.person_find_or_create(
            full_name=person.full_name,
            phone=person.phone,
            id_number=person.id_number,
            birth_year=person.birth_year,
            sex=person.sex,
            nationality=person.nationality,
            unit_code=person.unit_code,
            unit_generation=person.unit_generation,
            street=person.street,
            owner_id=owner_id,
        )
        own = getattr(main, "just_created", False) or main.pk == owner_id
        declarations = []
        status = _declare(main, declaration, arrival.at, declarations, known=own, version=form_version, form=form)
        visit, repeat = visit_in(
            person=main, arrival=arrival, channel=Channel.SELF, status=status, trip=trip, merge=own
        )
        # Whoever cannot show it is the person's own device learns nothing stored about them
        # (not their colour, birth year or name): the answer echoes what was typed.
        shown = main if own else Person(full_name=main_name(person), birth_year=_typed_year(person.birth_year))
        known = list(main.companions.all()) if companions else []
        done = []
        for c in companions:
            companion = people.companion_find_or_create(
                guardian=main, full_name=c.full_name, birth_year=c.birth_year, sex=c.sex, known=known
            )
            c_status = _declare(
                companion,
                c.declaration if c.declaration is not None else declaration,
                arrival.at,
                declarations,
                known=own,
                version=form_version,
                form=form if c.declaration is None else None,
            )
            c_visit, c_repeat = visit_in(
                person=companion,
                arrival=arrival,
                channel=Channel.COMPANION,
                status=c_status,
                trip=trip,
                companion_of=visit.id,
                merge=own,
            )
            done.append(
                CheckinResult(
                    visit=c_visit,
                    venue=place,
                    person=Shown.of(companion),
                    repeat=c_repeat,
                    receipt=receipt_for(c_visit.id, c_visit.checked_in_at),
                )
            )
        if declarations:
            type(declarations[0]).objects.bulk_create(declarations)
        touch(main, arrival.at)
        return CheckinResult(
            visit=visit,
            venue=place,
            person=Shown.of(shown),
            advice=colour_rules.advice_for(
                status=visit.status, venue=place, declaration=declarations[0] if declarations else None
            ),
            repeat=repeat,
            receipt=receipt_for(visit.id, visit.checked_in_at),
            holder=people.holder_token(main) if own else "",
            own=own,
            holder_version=main.qr_version if own else 0,
            companions=tuple(done),
        )

    result = replay.once(client_id, "public", work, keep=kept_checkin, restore=replayed_checkin)
    if not (result.replayed and result.own):
        return result
    # A replay answers only what the first answer gave: the holder link of that QR version, made
    # again (it is never kept), and nothing once the person has replaced their QR since.
    found = (
        Visit.objects.filter(id=result.visit.id, checked_in_at=receipt_time(result.visit.id, result.receipt))
        .values_list("person_id", "person__qr_version")
        .first()
    )
    if not found or not result.holder_version or found[1] != result.holder_version:
        return replace(result, holder="")
    return replace(result, holder=people.holder_token(Person(pk=found[0], qr_version=found[1])))


def main_name(person: PersonInput) -> str:
    return clean_name(person.full_name)


def _typed_year(value) -> int | None:
    try:
        return people.clean_birth_year(value)
    except ServiceError:
        return None


def _declare(
    person: Person,
    answers: dict | None,
    at: datetime,
    pending: list,
    *,
    known: bool = True,
    version: str = "",
    form=None,
) -> str:
    """The status for this check-in: from the declaration submitted now (queued for saving in
    bulk), else from the latest valid one, if the submitter is known to be the person (``known``:
    a new person or a proved device); a typed ID number alone does not read anyone's colour,
    nor change it."""
    if answers is None:
        if getattr(person, "just_created", False) or not known:
            return HealthStatus.UNDECLARED
        return people.current_status(person_id=person.pk, at=at)
    # Recorded either way; from someone not known to be the person it is an unproven claim,
    # which never gives the colour others see (docs/identity.md).
    declaration = people.declaration_build(
        person=person, answers=answers, version=version or None, questionnaire=form, at=at, proven=known
    )
    pending.append(declaration)
    return declaration.status


# --- gate scans ---------------------------------------------------------------------------


def checkin_scan(
    *,
    user,
    client_id,
    venue_code: str,
    text: str,
    entrance_id: int | None = None,
    scanned_at: datetime | None = None,
    direction: str = "in",
    birth_year: int | None = None,
    device: int | None = None,
    signature: str = "",
    operator: bool = False,
) -> CheckinResult:
    """A gate scan (camera, HID scanner or typed number) by staff of the venue. Returns what was
    done (results.CheckinResult: a new visit, a repeat "already inside", an exit, or the replay
    of a client_id). A typed number needs the person's ``birth_year`` (see
    ``people.services.person_by_number``); scans are limited per account (``check_scan_rate``).
    A scan dated more than RAVAO_SCAN_BACKDATE_MINUTES back needs ``device`` and ``signature``
    from the gate phone's offline queue (accounts/devices.py), unless ``operator``: typed in on
    the server by an operator (``ravao scan --at``: paper records of an outage)."""
    if direction not in ("in", "out"):
        raise ServiceError(_("direction must be “in” or “out”."), code="bad_direction")
    check_scan_rate(user)
    if not operator:
        _check_backdating(
            user=user,
            client_id=client_id,
            venue_code=venue_code,
            text=text,
            entrance_id=entrance_id,
            scanned_at=scanned_at,
            direction=direction,
            birth_year=birth_year,
            device=device,
            signature=signature,
        )

    def work():
        venue, entrance = venue_for_staff(user=user, code=venue_code, entrance_id=entrance_id)
        arrival = Arrival(venue=venue, entrance=entrance, at=scan_time(scanned_at), direction=direction)
        if direction == "in":
            check_venue_open(venue, arrival.at)
        person, channel = person_for_scan(
            text, birth_year=birth_year, status_at=arrival.at if direction == "in" else None
        )
        advice = None
        if direction == "out":
            visit, repeat = visit_out(person=person, arrival=arrival)
        else:
            if getattr(person, "just_created", False):
                status = HealthStatus.UNDECLARED
            elif hasattr(person, "status_now"):
                status = person.status_now or HealthStatus.UNDECLARED
            else:
                status = people.current_status(person_id=person.pk, at=arrival.at)
            # Red or yellow: what it means at this venue (nothing is read for other colours).
            advice = colour_rules.gate_advice(venue=venue, status=status, person_id=person.pk, at=arrival.at)
            if advice is not None and advice.stops_entry:
                _outcome, stand_in = outcome_record(
                    user=user,
                    venue=venue,
                    entrance=entrance,
                    person=person,
                    at=arrival.at,
                    channel=channel,
                    advice=advice,
                )
                _audit_typed(user, channel, person, venue)
                return CheckinResult(
                    visit=stand_in, venue=venue, person=Shown.of(person), advice=advice, outcome=_outcome.outcome
                )
            visit, repeat = visit_in(
                person=person, arrival=arrival, channel=channel, status=status, trip=trip_for(venue, arrival.at)
            )
        touch(person, arrival.at)
        _audit_typed(user, channel, person, venue)
        return CheckinResult(
            visit=visit,
            venue=venue,
            person=Shown.of(person),
            direction=direction,
            repeat=repeat,
            advice=advice if direction == "in" else None,
        )

    try:
        return replay.once(client_id, f"user:{user.pk}", work, keep=kept_scan, restore=replayed_scan)
    except ServiceError as error:
        if error.code in ("card_mismatch", "no_match"):
            # Refused attempts leave a trace too (after the rollback, so that it stays).
            venue = venue_known(venue_code)
            audit_record(
                user=user,
                action=Action.READ,
                object_type=error.code,
                purpose="gate: refused scan",
                unit_id=venue.unit_id if venue is not None else None,
                detail={"venue": venue_code[:16]},
            )
        raise


def _audit_typed(user, channel: str, person, venue) -> None:
    if channel == Channel.MANUAL:
        # A typed number read someone's masked name and colour: who, where, whom.
        audit_record(
            user=user,
            action=Action.READ,
            object_type="person",
            object_id=person.pk,
            purpose="gate: typed number",
            unit_id=venue.unit_id,
        )


def _check_backdating(
    *, user, client_id, venue_code, text, entrance_id, scanned_at, direction, birth_year, device, signature
) -> None:
    """A scan dated in the past is believed only when a gate phone enrolled by this account
    signed it when it was made (docs/identity.md): a typed date proves nothing."""
    if scanned_at is None:
        return
    scan_time(scanned_at)  # too old, in the future, without a time zone: that answer first
    if scanned_at >= timezone.now() - timedelta(minutes=conf.scan_backdate_minutes()):
        return
    message = devices.scan_message(
        client_id=client_id,
        venue=venue_code,
        entrance_id=entrance_id,
        direction=direction,
        scanned_at=scanned_at,
        text=text,
        birth_year=birth_year,
    )
    if not devices.device_signed(user=user, device_id=device, signature=signature, message=message):
        raise ServiceError(
            _(
                "A scan dated more than %(n)d minutes ago is accepted only from the offline queue of a gate phone "
                "that was set up while online."
            )
            % {"n": conf.scan_backdate_minutes()},
            code="backdated_unsigned",
        )


@transaction.atomic
def declaration_on_behalf(
    *, user, venue_code: str, visit_id: int, answers: dict, form_version: str = ""
) -> DeclarationResult:
    """Gate staff record a declaration for the person of a visit at their venue; the visit
    takes its colour. It is the person's proven colour only if the visit was made with their
    ID card or personal QR (docs/identity.md)."""
    venue, _entrance = venue_for_staff(user=user, code=venue_code)
    visit = Visit.objects.filter(id=visit_id, venue_id=venue.pk).select_related("person").first()
    if visit is None:
        raise NotFound(_("No such visit at this venue."), code="unknown_visit")
    # Staff who scanned the person's card or personal QR saw who it is: their declaration counts.
    # After a typed number (or a person's own self check-in) it is kept as a claim.
    seen = visit.channel in (Channel.PERSONAL_QR, Channel.CCCD)
    declaration = people.declaration_record(
        person=visit.person, answers=answers, version=form_version or None, recorded_by=user, proven=seen
    )
    Visit.objects.filter(id=visit.id, checked_in_at=visit.checked_in_at).update(status=declaration.status)
    visit.status = declaration.status
    return DeclarationResult(
        visit=visit, venue=venue, person=Shown.of(visit.person), valid_until=declaration.valid_until
    )


# --- check-out ----------------------------------------------------------------------------


@transaction.atomic
def checkout_button(*, visit_id: int, receipt: str) -> Visit:
    """The visitor's check-out button (with the receipt given at check-in). Idempotent: a
    second press keeps the first time. Companions checked in with the visit leave too. Returns
    the visit (with its venue)."""
    checked_in_at = receipt_time(visit_id, receipt)
    visit = Visit.objects.filter(id=visit_id, checked_in_at=checked_in_at).select_related("venue").first()
    if visit is None:
        raise NotFound(_("This visit does not exist or the receipt does not match."), code="bad_receipt")
    now = timezone.now()
    if visit.checkout_method == CheckoutMethod.AUTO:
        if now - visit.checked_in_at > timedelta(hours=24):
            raise Conflict(_("This visit is too old to check out now; it was closed automatically."), code="too_late")
        Visit.objects.filter(id=visit.id, checked_in_at=checked_in_at).update(
            checked_out_at=now, checkout_method=CheckoutMethod.BUTTON
        )
        Visit.objects.filter(
            venue_id=visit.venue_id,
            checked_in_at=checked_in_at,
            companion_of=visit.id,
            checkout_method=CheckoutMethod.AUTO,
        ).update(checked_out_at=now, checkout_method=CheckoutMethod.BUTTON)
        visit.checked_out_at, visit.checkout_method = now, CheckoutMethod.BUTTON
    return visit


def visit_by_receipt(*, visit_id: int, receipt: str) -> Visit:
    """The visit a receipt proves (the confirmation page), with venue and person."""
    checked_in_at = receipt_time(visit_id, receipt)
    visit = Visit.objects.filter(id=visit_id, checked_in_at=checked_in_at).select_related("venue", "person").first()
    if visit is None:
        raise NotFound(_("This visit does not exist or the receipt does not match."), code="bad_receipt")
    return visit
