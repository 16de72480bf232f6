"""Finding a person by phone or ID number through the keyed hashes (never by decrypting).

The normalisation must be the check-in's own, or the hashes would not match: the functions of
``ravao.people.services`` are used when they exist; the fallbacks below do the same thing
(E.164 phone numbers for Vietnam, digits-only ID numbers) until then.
"""

import phonenumbers
from django.utils.translation import gettext as _

from ravao.api.errors import NotFound, ServiceError
from ravao.core.crypto import lookup_hash
from ravao.people.models import Person


def _people_function(*names):
    try:
        from ravao.people import services  # noqa: PLC0415 (written by the check-in engineer)
    except ImportError:
        return None
    for name in names:
        fn = getattr(services, name, None)
        if callable(fn):
            return fn
    return None


def _fallback_phone(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _fallback_id(raw: str) -> str | None:
    digits = "".join(ch for ch in raw if ch.isdigit())
    return digits if len(digits) in (9, 12) else None


def _call(fn, raw: str) -> str | None:
    try:
        value = fn(raw)
    except (ValueError, ServiceError):
        return None
    return value or None


def normalise_phone(raw: str) -> str | None:
    fn = _people_function("normalise_phone", "normalize_phone", "phone_normalise")
    return _call(fn or _fallback_phone, raw)


def normalise_id_number(raw: str) -> str | None:
    fn = _people_function("normalise_id_number", "normalize_id_number", "normalise_id", "id_normalise")
    return _call(fn or _fallback_id, raw)


def person_find(*, phone: str = "", id_number: str = "") -> Person:
    """The person with this phone or ID number; a translated 404 when there is none."""
    if phone:
        value = normalise_phone(phone)
        if value is None:
            raise ServiceError(_("“%(value)s” is not a valid phone number.") % {"value": phone[:32]})
        person = Person.objects.filter(phone_hash=lookup_hash(value)).order_by("id").first()
    elif id_number:
        value = normalise_id_number(id_number)
        if value is None:
            raise ServiceError(_("“%(value)s” is not a valid ID number.") % {"value": id_number[:32]})
        person = Person.objects.filter(id_hash=lookup_hash(value)).order_by("id").first()
    else:
        raise ServiceError(_("Give the person's phone number or ID number."))
    if person is None:
        raise NotFound(_("Nobody with this phone or ID number has checked in anywhere."))
    return person
