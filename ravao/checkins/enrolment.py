"""Gate enrolment of a person without a smartphone (docs/gate.md, docs/identity.md): staff type
a phone, an old 9-digit CMND, a CCCD, a passport or a health-insurance (BHYT) card number, with
the person's name and birth year and the declaration taken on their behalf; the person is
checked in and, if new, their wallet card can be printed.

The identity rules hold: typed numbers are limited per number and per account and audited; one
person per identity (the keyed hashes); a number already on record is that person only with the
same birth year (else the same ``no_match`` answer as a typed look-up, and nothing is written);
the declaration taken here is a claim (``proven=False``) until the person shows their ID card
or personal QR at a gate: it gives this visit its colour, never the colour others see.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.checkins import replay
from ravao.checkins.answers import kept_scan, replayed_scan
from ravao.checkins.models import Channel
from ravao.checkins.outcomes import outcome_record
from ravao.checkins.places import check_venue_open, trip_for, venue_for_staff
from ravao.checkins.recording import Arrival, visit_in
from ravao.checkins.results import CheckinResult, Shown
from ravao.checkins.scan_text import check_typed_number
from ravao.checkins.services import check_scan_rate
from ravao.core.crypto import lookup_hash
from ravao.core.errors import NotFound
from ravao.health import rules as colour_rules
from ravao.people import services as people
from ravao.people.cards import card_token
from ravao.people.identity import IdentityError, clean_name, name_key, normalise_id_number, normalise_phone
from ravao.people.models import Person


@dataclass(frozen=True)
class Enrolment:
    """The scan-shaped result of an enrolment, and whether the person was new (only then the
    wallet card's print link, ``card``)."""

    result: CheckinResult
    created: bool
    card: str = ""


def number_kind(number: str) -> tuple[str, str]:
    """("id", normal form) for a CCCD, CMND, passport or BHYT number, else ("phone", E.164).
    9 digits are an old CMND (a phone has 10); IdentityError if neither."""
    try:
        return "id", normalise_id_number(number)
    except IdentityError:
        pass
    try:
        return "phone", normalise_phone(number)
    except IdentityError:
        raise IdentityError(
            _("“%(text)s” is neither a phone number nor an ID, passport or health-insurance card number.")
            % {"text": (number or "")[:24]},
            code="bad_number",
        ) from None


def _no_match():
    return NotFound(
        _(
            "This number is already on record with another birth year. Check the year with the person, or scan "
            "their ID card or personal QR."
        ),
        code="no_match",
    )


def _known(kind: str, normal: str, name: str, year: int) -> Person | None:
    """The person already on record for this identity (None: a new person), or ``no_match`` when
    the number is on record with another birth year (nothing about them is said)."""
    key = lookup_hash(normal)
    if kind == "id":
        found = list(Person.objects.filter(id_hash=key)[:1])
    else:
        found = [p for p in Person.objects.filter(phone_hash=key)[:20] if name_key(p.full_name) == name_key(name)][:1]
    if not found:
        return None
    if found[0].birth_year != year:
        raise _no_match()
    return found[0]


def enrol_at_gate(
    *,
    user,
    client_id,
    venue_code: str,
    number: str,
    full_name: str,
    birth_year,
    sex: str = "",
    declaration: dict | None = None,
    entrance_id: int | None = None,
) -> Enrolment:
    """Check in a person without a smartphone from a typed number, name and birth year, with the
    declaration taken on their behalf (see the module's rules). Once per ``client_id``."""
    check_scan_rate(user)
    name = clean_name(full_name)
    year = people.clean_birth_year(birth_year)
    if year is None:
        raise IdentityError(_("Ask the person for their year of birth (4 digits)."), code="birth_year_required")
    kind, normal = number_kind(number)
    check_typed_number(normal)
    created = {}

    def work() -> CheckinResult:
        venue, entrance = venue_for_staff(user=user, code=venue_code, entrance_id=entrance_id)
        arrival = Arrival(venue=venue, entrance=entrance)
        check_venue_open(venue, arrival.at)
        person = _known(kind, normal, name, year)
        if person is None:
            person = people.person_find_or_create(
                full_name=name,
                phone=normal if kind == "phone" else "",
                id_number=normal if kind == "id" else "",
                birth_year=year,
                sex=sex,
            )
            if person.birth_year != year:  # another enrolment of the same number won the race
                raise _no_match()
        created["person"] = person if getattr(person, "just_created", False) else None
        # Staff typed it: a claim until the person shows their card or personal QR.
        answers = dict(declaration or {})
        version = answers.pop("form_version", None) or None  # the version the gate's form showed
        claim = people.declaration_build(
            person=person, answers=answers, version=version, recorded_by=user, at=arrival.at, proven=False
        )
        claim.save()
        status = claim.status
        advice = colour_rules.advice_for(status=status, venue=venue, declaration=claim)
        audit_record(
            user=user,
            action=Action.CHANGE,
            object_type="person",
            object_id=person.pk,
            purpose="gate: enrolment" if created["person"] else "gate: typed number",
            unit_id=venue.unit_id,
            detail={"kind": kind, "new": bool(created["person"])},
        )
        if advice is not None and advice.stops_entry:
            outcome, stand_in = outcome_record(
                user=user,
                venue=venue,
                entrance=entrance,
                person=person,
                at=arrival.at,
                channel=Channel.MANUAL,
                advice=advice,
            )
            return CheckinResult(
                visit=stand_in, venue=venue, person=Shown.of(person), advice=advice, outcome=outcome.outcome
            )
        visit, repeat = visit_in(
            person=person, arrival=arrival, channel=Channel.MANUAL, status=status, trip=trip_for(venue, arrival.at)
        )
        return CheckinResult(visit=visit, venue=venue, person=Shown.of(person), repeat=repeat, advice=advice)

    result = replay.once(client_id, f"user:{user.pk}", work, keep=kept_scan, restore=replayed_scan)
    person = created.get("person")
    if result.replayed or person is None:
        return Enrolment(result=result, created=False)
    return Enrolment(result=result, created=True, card=card_token(person, user=user))
