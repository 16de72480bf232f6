"""People services: one person however they arrive (typed phone or ID number, chip ID card QR,
personal QR), companions, health declarations, and the personal QR's revoke/reissue.

Matching rules (docs/api-checkins.md):
* an ID number (CCCD, CMND, passport) identifies a person on its own;
* what a public check-in or a scanned (unsigned) ID card says about a person already known only
  fills blank fields: it never replaces a name, number or phone someone else gave (anybody can
  type a stranger's ID number); a new phone replaces the old one only when the device proves it
  is the person's own (it sends the holder link it was given, see ``holder_person_id``);
* a phone is shared in many families, so a phone matches only with the same name (case and
  accents ignored); otherwise a new person with that phone is created;
* a personal QR carries the person id and its qr_version (revoked codes are refused);
* a companion is matched among the guardian's companions by name and birth year.
"""

import json
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ravao.core import fastsql
from ravao.core.crypto import lookup_hash
from ravao.core.errors import Conflict, NotFound, ServiceError
from ravao.people import formspec, questionnaires
from ravao.people.countries import country_code
from ravao.people.identity import (
    CardData,
    IdentityError,
    clean_name,
    name_key,
    normalise_id_number,
    normalise_phone,
    number_forms,
)
from ravao.people.merging import phone_name_hash
from ravao.people.models import Declaration, HealthStatus, Person

HOLDER_SALT = "ravao.people.holder"


def clean_birth_year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 1900 <= year <= timezone.now().year:
        raise IdentityError(_("The birth year must be between 1900 and this year."), code="bad_birth_year")
    return year


def clean_nationality(value) -> str:
    """An ISO 3166 code from a code or a country's name (Vietnamese or English); VN if empty."""
    code = country_code(value or "VN")
    if code is None:
        raise IdentityError(_("Choose the nationality from the list of countries."), code="bad_nationality")
    return code


def clean_sex(value) -> str:
    value = (value or "").strip().lower()
    if value not in ("", "male", "female"):
        raise IdentityError(_("Sex must be “male” or “female”."), code="bad_sex")
    return value


def unit_of_address(text: str, generation: str = ""):
    """The person's home unit from the address picker: a code, "code — name, parent" or a
    name, in the current generation of the map or the one before 2025 (``generation``); a
    unit of the old map becomes the current unit it is part of, so that "lives in my area"
    works for tracers whichever map the person knows."""
    text = (text or "").strip()
    if not text:
        return None
    from ravao.units.models import Unit, UnitMapping
    from ravao.units.selectors import unit_candidates

    generation = generation or settings.RAVAO_UNIT_GENERATION
    found = unit_candidates(text, units=Unit.objects.filter(generation=generation, level="commune"), limit=2)
    if not found:
        raise IdentityError(
            _("No commune or ward matches “%(text)s”: choose it from the list.") % {"text": text[:60]}, code="bad_unit"
        )
    if len(found) > 1:
        raise IdentityError(
            _("Several communes or wards match “%(text)s”: choose one from the list.") % {"text": text[:60]},
            code="bad_unit",
        )
    unit = found[0]
    if unit.generation != settings.RAVAO_UNIT_GENERATION:
        mapped = (
            UnitMapping.objects.filter(old=unit, new__generation=settings.RAVAO_UNIT_GENERATION)
            .order_by("-is_default", "new_id")
            .select_related("new")
            .first()
        )
        unit = mapped.new if mapped else None
    return unit


def _fill(person: Person, values: dict, *, overwrite: tuple[str, ...] = ()) -> list[str]:
    """Copy non-empty ``values`` into blank fields of ``person`` (and into ``overwrite`` ones
    when they differ); returns the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if value in (None, ""):
            continue
        current = getattr(person, name)
        if current in (None, "") or (name in overwrite and current != value):
            setattr(person, name, value)
            changed.append(name)
    return changed


def _save_filled(person: Person, changed: list[str]) -> None:
    """Save filled-in fields; if a filled ID number or phone now belongs to someone else (a
    check-in racing this one), keep the record as it was rather than make two people one."""
    if not changed:
        return
    try:
        with transaction.atomic():
            person.save(update_fields=changed)
    except IntegrityError:
        person.refresh_from_db()


def person_find_or_create(
    *,
    full_name: str,
    phone: str = "",
    id_number: str = "",
    birth_year=None,
    birth_date: date | None = None,
    sex: str = "",
    nationality: str = "VN",
    unit_code: str = "",
    unit_generation: str = "",
    street: str = "",
    owner_id: int | None = None,
) -> Person:
    """The person with this ID number (or this phone and name), created if new. Details given
    now only fill blanks. ``owner_id``: the person the caller has proved to be (a holder link);
    when that is the person found, a new phone number replaces the old one (people change
    numbers)."""
    name = clean_name(full_name)
    phone_n = normalise_phone(phone) if (phone or "").strip() else ""
    id_n = normalise_id_number(id_number) if (id_number or "").strip() else ""
    if not phone_n and not id_n:
        raise IdentityError(_("Give a phone number or an ID number."), code="contact_required")
    values = {
        "full_name": name,
        "phone": phone_n,
        "phone_hash": lookup_hash(phone_n) if phone_n else "",
        "id_number": id_n,
        "id_hash": lookup_hash(id_n) if id_n else "",
        "phone_name_hash": phone_name_hash(phone_n, name),
        "birth_year": clean_birth_year(birth_year) or (birth_date.year if birth_date else None),
        "birth_date": birth_date.isoformat() if birth_date else "",
        "sex": clean_sex(sex),
        "nationality": clean_nationality(nationality),
        "street": " ".join((street or "").split())[:255],
    }
    unit = unit_of_address(unit_code, unit_generation)
    where, params = [], []
    if id_n:
        where.append("p.id_hash = %s")
        params.append(values["id_hash"])
    if phone_n:
        where.append("p.phone_hash = %s")
        params.append(values["phone_hash"])
    person = _match(people_matching("(" + " OR ".join(where) + ")", params, limit=20), values, name)
    if person is None:
        person = Person(unit=unit, **values)
        if fastsql.insert_unless_conflict(person):
            person.just_created = True  # lets the check-in skip lookups that cannot find anything
            return person
        # Another check-in of the same identity committed first: it is that person.
        person = _match(people_matching("(" + " OR ".join(where) + ")", params, limit=20), values, name)
        if person is None:
            raise Conflict(_("This person is being registered by another check-in. Try again."), code="retry")
    proved = owner_id is not None and person.pk == owner_id
    changed = _fill(person, values, overwrite=("phone", "phone_hash", "phone_name_hash") if proved else ())
    if unit is not None and person.unit_id is None:
        person.unit = unit
        changed.append("unit")
    _save_filled(person, changed)
    return person


def _match(candidates: list[Person], values: dict, name: str) -> Person | None:
    """The candidate with the same ID number, else with the same phone and name (and no other
    ID number: two ID numbers are two people, whatever the phone)."""
    if values["id_hash"]:
        found = next((p for p in candidates if p.id_hash == values["id_hash"]), None)
        if found is not None:
            return found
    if not values["phone_hash"]:
        return None
    key = name_key(name)
    return next(
        (
            p
            for p in candidates
            if p.phone_hash == values["phone_hash"]
            and name_key(p.full_name) == key
            and not (values["id_hash"] and p.id_hash)
        ),
        None,
    )


def people_matching(where: str, params: list, *, status_at=None, limit: int = 1) -> list[Person]:
    """People matching a WHERE clause on ``people_person`` (alias ``p``), most recently seen
    first, with their colour at ``status_at`` as ``status_now`` (None: undeclared) when given.
    Plain SQL (ravao/core/fastsql.py: prepared on PostgreSQL, no ORM compilation), fields
    decrypted as usual."""
    status = ""
    if status_at is not None:
        status = (
            f", (SELECT d.status FROM {Declaration._meta.db_table} d WHERE d.person_id = p.id AND d.proven"
            " AND d.created_at <= %s AND d.valid_until > %s ORDER BY d.created_at DESC LIMIT 1) AS status_now"
        )
    # The inner LIMIT keeps PostgreSQL from flattening the subquery: the rows are found by the
    # keyed-hash index and only they are sorted, whatever the statistics say (walking the
    # last_seen_at index backwards instead cost 18-54 ms at 20,000 people, docs/performance.md).
    sql = (
        f"SELECT p.*{status} FROM (SELECT {fastsql.columns(Person, 'p')} FROM {Person._meta.db_table} p "
        f"WHERE {where} LIMIT 1000) p ORDER BY p.last_seen_at DESC LIMIT {int(limit)}"
    )
    with fastsql.cursor() as cursor:
        if status_at is not None:
            adapt = cursor.db.ops.adapt_datetimefield_value
            params = [adapt(status_at + timedelta(minutes=1)), adapt(status_at), *params]
        cursor.execute(sql, params)
        return fastsql.models(Person, cursor.fetchall(), cursor.db, extra=("status_now",) if status else ())


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def with_status(queryset, at):
    """``queryset`` with each person's colour at ``at`` (as ``current_status`` gives it, None
    if undeclared) in the same query, as ``status_now``: one round trip less on a gate scan."""
    if at is None:
        return queryset
    latest = (
        Declaration.objects.filter(
            person_id=OuterRef("pk"), proven=True, created_at__lte=at + timedelta(minutes=1), valid_until__gt=at
        )
        .order_by("-created_at")
        .values("status")[:1]
    )
    return queryset.annotate(status_now=Subquery(latest))


def person_from_card(card: CardData, *, status_at=None) -> Person:
    """The person on a chip ID card QR (matched by the 12-digit or the old 9-digit number).
    ``status_at``: also read their colour at that time (``with_status``).

    The QR is not signed (anyone can type one), so for a person already known it only fills
    blank fields: it never replaces the name, number, birth date, sex or address on record, and
    a text whose name or birth date contradicts the record is refused (``CardMismatch``: a
    made-up text holding a victim's number must not reveal or touch them)."""
    new_hash = lookup_hash(card.id_number)
    hashes = [new_hash] + ([lookup_hash(card.old_id_number)] if card.old_id_number else [])
    found = people_matching(f"p.id_hash IN ({_placeholders(hashes)})", hashes, status_at=status_at)
    person = found[0] if found else None
    values = {
        "full_name": card.full_name,
        "id_number": card.id_number,
        "id_hash": new_hash,
        "birth_date": card.birth_date.isoformat(),
        "birth_year": card.birth_date.year,
        "sex": card.sex,
        "street": card.address[:255],
    }
    if person is None:
        person = Person(**values)
        if fastsql.insert_unless_conflict(person):
            person.just_created = True
            return person
        found = people_matching(f"p.id_hash IN ({_placeholders(hashes)})", hashes, status_at=status_at)
        if not found:
            raise Conflict(_("This person is being registered by another check-in. Try again."), code="retry")
        person = found[0]
    if not card_agrees(person, card):
        raise CardMismatch(
            _(
                "This ID card does not match the person on record for its number. Check the card itself, "
                "or ask for the person's Ravao QR code."
            ),
            status=422,
            code="card_mismatch",
        )
    _save_filled(person, _fill(person, values))
    return person


class CardMismatch(ServiceError):
    """A chip-card text contradicting the record for its number (refused, and audited by the
    caller, who knows who scanned it)."""


def card_agrees(person: Person, card: CardData) -> bool:
    """Whether the card's name and birth date agree with what is on record (blanks agree)."""
    if person.full_name and name_key(person.full_name) != name_key(card.full_name):
        return False
    if person.birth_date and person.birth_date != card.birth_date.isoformat():
        return False
    return not (person.birth_year and person.birth_year != card.birth_date.year)


def person_by_number(text: str, *, birth_year=None, status_at=None) -> Person:
    """The person with this typed phone or ID number (gate manual entry), or NotFound.

    A number alone is not enough: anybody can type anyone's number, and the gate then shows
    that person's name and health colour. The birth year the person gives at the gate must
    match the one on record (it also tells apart a family sharing one phone). Checked before
    anything is written; an unknown number, a wrong year and a record without a birth year
    get one and the same answer (``no_match``)."""
    text = (text or "").strip()
    hashes = [lookup_hash(form) for form in number_forms(text)]
    if not hashes:
        raise IdentityError(
            _("“%(text)s” is neither a phone number nor an ID number.") % {"text": text[:24]}, code="bad_number"
        )
    year = clean_birth_year(birth_year)
    if year is None:
        raise IdentityError(
            _("For a typed number, also give the birth year the person tells you (e.g. 0912 345 678 1990)."),
            code="birth_year_required",
        )
    found = people_matching(
        f"(p.id_hash IN ({_placeholders(hashes)}) OR p.phone_hash IN ({_placeholders(hashes)}))",
        [*hashes, *hashes],
        status_at=status_at,
        limit=5,
    )
    by_id = [p for p in found if p.id_hash in hashes]
    matching = [p for p in (by_id[:1] or found) if p.birth_year == year]
    if not matching:
        # One answer whether nobody has this number or the year is wrong: the gate must not
        # tell a stranger that a number is known, nor let them try years until one fits.
        raise NotFound(
            _(
                "No one with this number and this birth year has checked in yet. Check the year with the person, "
                "scan their ID card or personal QR, or let them check in on the poster."
            ),
            code="no_match",
        )
    if len(matching) > 1:
        # A family sharing one phone, with the same birth year: the gate cannot tell who it is.
        raise Conflict(
            _(
                "Several people use this phone number. Scan the person's ID card or personal QR, or type their ID "
                "number."
            ),
            code="ambiguous_number",
        )
    return matching[0]


def companion_find_or_create(*, guardian: Person, full_name: str, birth_year, sex: str = "", known=None) -> Person:
    """A companion (child, elderly relative) of ``guardian``: matched among the guardian's
    companions by name and birth year. ``known``: those companions, if already fetched."""
    name = clean_name(full_name)
    year = clean_birth_year(birth_year)
    if year is None:
        raise IdentityError(_("A companion needs a name and a birth year."), code="companion_birth_year")
    if known is None:
        known = list(guardian.companions.all()) if guardian.pk else []
    key = name_key(name)
    for person in known:
        if person.birth_year == year and name_key(person.full_name) == key:
            return person
    person = Person(full_name=name, birth_year=year, sex=clean_sex(sex), guardian=guardian, unit_id=guardian.unit_id)
    person.save()
    person.just_created = True
    return person


# --- health declarations ------------------------------------------------------------------


def declaration_invalid(error: formspec.FormInvalid, form: dict) -> ServiceError:
    """One error for every answer that does not fit, each named by its question."""
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    labels = {f["key"]: formspec.text_of(f.get("label"), lang) for f in form["fields"]}
    parts = [f"{labels.get(key, key)}: {message}" for key, message in error.errors.items()]
    return ServiceError(
        _("The declaration is not complete: %(problems)s") % {"problems": " · ".join(parts)},
        code="bad_declaration",
        fields=error.errors,
    )


def declaration_check(*, details: dict, answers: dict | None, version: str | None = None):
    """The whole form (the person's details and the health answers) checked against the
    current version, every problem at once (ServiceError ``bad_declaration`` with ``fields``),
    before anything is written. ``details``: the person's details keyed as the form's fields
    (full_name, birth_year, unit…; empty ones left out). Returns the version (for
    ``declaration_build``: the current version is read once per check-in)."""
    q = questionnaires.answering(version)
    form = q.as_form()
    wanted = {f["key"] for f in formspec.person_fields(form)}
    given = {k: v for k, v in details.items() if k in wanted and v not in (None, "")}
    try:
        formspec.validate(form, {**given, **(answers or {})})
    except formspec.FormInvalid as error:
        raise declaration_invalid(error, form) from None
    return q


def declaration_build(
    *,
    person: Person,
    answers: dict | None,
    version: str | None = None,
    questionnaire=None,
    recorded_by=None,
    at=None,
    proven: bool = True,
) -> Declaration:
    """A checked, unsaved declaration of the health answers (the caller saves it, possibly in
    bulk) with its colour and the reasons for it. ``version``: the version the submitter saw
    (refused with 409 ``form_changed`` if another is current now). ``proven``: False for a
    claim by someone who proved nothing about an existing person (kept for tracers, never the
    colour others see). ``questionnaire``: the version already checked by ``declaration_check``."""
    q = questionnaire or questionnaires.answering(version)
    form = q.as_form()
    try:
        clean = formspec.validate(form, answers, part="health")
    except formspec.FormInvalid as error:
        raise declaration_invalid(error, form) from None
    colour, reasons = formspec.colour_of(form, clean)
    at = at or timezone.now()
    return Declaration(
        person=person,
        questionnaire=q,
        answers=json.dumps(clean, ensure_ascii=False, sort_keys=True),
        status=colour,
        reasons=",".join(reasons),
        created_at=at,
        valid_until=at + timedelta(hours=q.valid_hours),
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
        proven=proven,
    )


def declaration_record(
    *, person: Person, answers: dict | None, version: str | None = None, recorded_by=None, at=None, proven: bool = True
) -> Declaration:
    """Record a declaration (by the person, or by staff on their behalf)."""
    declaration = declaration_build(
        person=person, answers=answers, version=version, recorded_by=recorded_by, at=at, proven=proven
    )
    declaration.save()
    return declaration


def declaration_answers(declaration: Declaration) -> dict:
    return json.loads(declaration.answers)


def declaration_colour(declaration: Declaration) -> tuple[str, tuple[str, ...]]:
    """The colour of a declaration and the reason codes of its version's rules that gave it
    (``("yellow", ("contact_symptomatic",))``; green: no reasons). What gates, visitors and
    tracers are told; ``formspec.reason_labels`` says them in words."""
    return declaration.status, tuple(r for r in declaration.reasons.split(",") if r)


def current_colour(*, person_id: int, at=None) -> tuple[str, tuple[str, ...]]:
    """``current_status`` with the reasons: the colour of the person's latest proven
    declaration still valid at ``at`` and why, else ("undeclared", ())."""
    at = at or timezone.now()
    found = (
        Declaration.objects.filter(
            person_id=person_id, proven=True, created_at__lte=at + timedelta(minutes=1), valid_until__gt=at
        )
        .order_by("-created_at")
        .values_list("status", "reasons")
        .first()
    )
    if found is None:
        return HealthStatus.UNDECLARED, ()
    return found[0], tuple(r for r in found[1].split(",") if r)


def current_status(*, person_id: int, at=None) -> str:
    """The colour of the person's latest proven declaration still valid at ``at``, else
    undeclared: what gates and the personal QR show (claims by others never count)."""
    at = at or timezone.now()
    status = (
        Declaration.objects.filter(
            person_id=person_id, proven=True, created_at__lte=at + timedelta(minutes=1), valid_until__gt=at
        )
        .order_by("-created_at")
        .values_list("status", flat=True)
        .first()
    )
    return status or HealthStatus.UNDECLARED


# --- personal QR --------------------------------------------------------------------------


def holder_token(person: Person) -> str:
    """A secret link for the person's own device to show or print their QR (no account).
    It carries the qr_version, so revoking the QR also kills old links. The same person and
    version always give the same link (no time stamp), so a replayed answer repeats it."""
    return signing.Signer(salt=HOLDER_SALT).sign_object([person.pk, person.qr_version], compress=True)


def _holder_load(token: str):
    """(person id, qr version) of a holder link; links made before 2026-11-26 carry a time stamp."""
    try:
        return signing.Signer(salt=HOLDER_SALT).unsign_object(token)
    except signing.BadSignature:
        return signing.loads(token, salt=HOLDER_SALT)


def holder_person_id(token: str) -> int | None:
    """The id of the person whose current holder link this is, else None (never raises): what a
    device that keeps its holder link proves at its next check-in."""
    if not token:
        return None
    try:
        person_id, version = _holder_load(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    found = Person.objects.filter(pk=person_id, qr_version=version).values_list("pk", flat=True).first()
    return found


def person_for_holder(token: str) -> Person:
    try:
        person_id, version = _holder_load(token)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFound(_("This link is not valid (or your personal QR has been replaced).")) from None
    person = Person.objects.filter(pk=person_id, qr_version=version).first()
    if person is None:
        raise NotFound(_("This link is not valid (or your personal QR has been replaced)."))
    return person


def personal_qr_reissue(*, person: Person) -> Person:
    """Revoke the person's QR (cards and screenshots stop working) and issue a new one."""
    Person.objects.filter(pk=person.pk).update(qr_version=F("qr_version") + 1)
    person.refresh_from_db(fields=["qr_version"])
    return person


def person_for_qr(*, person_id: int, qr_version: int, status_at=None) -> Person:
    """The person on a verified personal QR, if the code is still the current one."""
    from ravao.codes.signing import personal_qr_replaced

    person = with_status(Person.objects.filter(pk=person_id), status_at).first()
    if person is None:
        raise NotFound(
            _("This personal QR belongs to nobody known here (deleted after the retention period?)."),
            code="unknown_person",
        )
    if person.qr_version != qr_version:
        raise personal_qr_replaced()
    return person


__all__ = [
    "ServiceError",
    "companion_find_or_create",
    "current_colour",
    "current_status",
    "declaration_check",
    "declaration_colour",
    "declaration_record",
    "holder_person_id",
    "holder_token",
    "person_by_number",
    "person_find_or_create",
    "person_for_holder",
    "person_for_qr",
    "person_from_card",
    "personal_qr_reissue",
]
