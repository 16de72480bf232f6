"""Identity text: normalising phones and ID numbers, their keyed hashes, the chip ID card (CCCD)
QR. (The masked name shown to venues and gates is ``ravao.core.masking.mask_name``.)

Everything that finds a person by phone or ID number goes through ``phone_hash`` / ``id_hash``
here, so that the simulator, tracing and the check-in path agree on one normal form:

* phones: E.164 (``+84912345678``) parsed with ``phonenumbers`` (Vietnam by default);
* ID numbers: CCCD (12 digits), old CMND (9 digits) or a passport (6–12 letters and digits,
  at least one letter), upper case, without spaces, dots or dashes; a health-insurance (BHYT)
  card number (2 letters and 13 digits) becomes ``BHXH:`` and its last 10 digits, the person's
  social-insurance number, which stays the same when the card's category changes.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from django.utils.translation import gettext as _

from ravao.core.crypto import lookup_hash
from ravao.core.errors import ServiceError

_ID_STRIP = re.compile(r"[\s.\-/]")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")
_BHYT = re.compile(r"^[A-Z]{2}\d{13}$")
BHYT_PREFIX = "BHXH:"


class IdentityError(ServiceError):
    """Identity text that cannot be used (a bad phone, ID number or ID card QR)."""

    status = 400


# --- phones and ID numbers ----------------------------------------------------------------


def ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (full-width ０–９, Arabic-Indic, Devanagari…) as its ASCII
    digit: one ID number is one person (one keyed hash) whatever keyboard typed it."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text or "")


def normalise_phone(raw: str, *, region: str = "VN") -> str:
    """The phone in E.164, or IdentityError. ``0912 345 678`` and ``+84 912345678`` agree."""
    text = ascii_digits(raw).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise IdentityError(_("“%(phone)s” is not a valid phone number.") % {"phone": text[:24]}, code="bad_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_id_number(raw: str) -> str:
    """A CCCD (12 digits), CMND (9 digits) or passport number in one form, or IdentityError."""
    text = _ID_STRIP.sub("", ascii_digits(raw).upper())
    if text.startswith(BHYT_PREFIX) and len(text) == len(BHYT_PREFIX) + 10 and text[len(BHYT_PREFIX) :].isdigit():
        return text  # already in its normal form
    if not text.isascii():
        text = ""  # other scripts' letters, superscript digits…: refused below
    elif text.isdigit():
        if len(text) in (9, 12):
            return text
    elif _PASSPORT.match(text) and any(ch.isalpha() for ch in text):
        return text
    elif _BHYT.match(text):
        return BHYT_PREFIX + text[-10:]
    raise IdentityError(
        _(
            "“%(number)s” is not a valid ID number: a citizen ID card (CCCD) has 12 digits, an old ID "
            "card (CMND) 9 digits, a passport 6 to 12 letters and digits, a health-insurance card (BHYT) 2 "
            "letters and 13 digits."
        )
        % {"number": (raw or "")[:24]},
        code="bad_id_number",
    )


def number_forms(raw: str) -> list[str]:
    """What a typed number can be, normalised: its ID-number form and/or its phone form (9
    digits can be both an old ID card number and a phone typed without its 0). []
    when it is neither: the one test of "is this a phone or an ID number"."""
    forms = []
    for normalise in (normalise_id_number, normalise_phone):
        try:
            forms.append(normalise(raw))
        except IdentityError:
            continue
    return forms


def phone_hash(raw_or_normalised: str) -> str:
    return lookup_hash(normalise_phone(raw_or_normalised))


def id_hash(raw_or_normalised: str) -> str:
    return lookup_hash(normalise_id_number(raw_or_normalised))


def name_key(full_name: str) -> str:
    """A name without case, accents or extra spaces: “Nguyễn Văn  An” == “nguyen van an”."""
    text = unicodedata.normalize("NFD", (full_name or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def clean_name(full_name: str) -> str:
    """A name as stored: NFC, single spaces, at most 120 characters (IdentityError if empty)."""
    name = " ".join(unicodedata.normalize("NFC", full_name or "").split())[:120]
    if not name:
        raise IdentityError(_("The full name is required."), code="name_required")
    return name


# --- chip ID card (CCCD) QR ---------------------------------------------------------------


@dataclass(frozen=True)
class CardData:
    """What a CCCD QR holds (all in clear on the card: never log or store it unencrypted)."""

    id_number: str
    old_id_number: str
    full_name: str
    birth_date: date
    sex: str  # "male" | "female"
    address: str
    issued_on: date


_SEX = {"nam": "male", "nu": "female", "nữ": "female", "male": "male", "female": "female"}


def looks_like_cccd(text: str) -> bool:
    return "|" in (text or "")


def _card_date(value: str, what: str) -> date:
    value = value.strip()
    if len(value) == 8 and value.isdigit():
        try:
            return date(int(value[4:]), int(value[2:4]), int(value[:2]))
        except ValueError:
            pass
    raise IdentityError(
        _("The %(what)s on this ID card QR is not a valid date (DDMMYYYY): “%(value)s”.")
        % {"what": what, "value": value[:12]},
        code="bad_card",
    )


def parse_cccd(text: str) -> CardData:
    """Parse a chip ID card QR in its 7-field form (ID|old ID|name|birth|sex|address|issued)
    or its 6-field form (without the old ID). Anything else raises IdentityError."""
    raw = unicodedata.normalize("NFC", (text or "").strip())
    fields = raw.split("|")
    if len(fields) == 8 and fields[-1] == "":
        fields = fields[:-1]  # some readers append a trailing "|"
    if len(fields) == 7:
        id_number, old_id, name, birth, sex, address, issued = fields
    elif len(fields) == 6:
        id_number, name, birth, sex, address, issued = fields
        old_id = ""
    else:
        raise IdentityError(
            _(
                "This is not a citizen ID card QR: it has %(n)d fields, a chip ID card (CCCD) QR has 6 or 7 "
                "fields separated by “|”."
            )
            % {"n": len(fields)},
            code="bad_card",
        )
    id_number, old_id = id_number.strip(), old_id.strip()
    if not (len(id_number) == 12 and id_number.isdigit()):
        raise IdentityError(
            _("The ID number on this ID card QR must have 12 digits: “%(value)s”.") % {"value": id_number[:16]},
            code="bad_card",
        )
    if old_id and not (len(old_id) == 9 and old_id.isdigit()):
        raise IdentityError(
            _("The old ID number on this ID card QR must have 9 digits: “%(value)s”.") % {"value": old_id[:16]},
            code="bad_card",
        )
    name = " ".join(name.split())
    if not name:
        raise IdentityError(_("The full name on this ID card QR is empty."), code="bad_card")
    birth_date = _card_date(birth, _("birth date"))
    issued_on = _card_date(issued, _("issue date"))
    sex_value = _SEX.get(sex.strip().lower())
    if sex_value is None:
        raise IdentityError(
            _("The sex on this ID card QR must be “Nam” or “Nữ”: “%(value)s”.") % {"value": sex.strip()[:10]},
            code="bad_card",
        )
    today = date.today()
    if not (1900 <= birth_date.year <= today.year) or issued_on > today or issued_on < birth_date:
        raise IdentityError(_("The dates on this ID card QR are not possible."), code="bad_card")
    return CardData(
        id_number=id_number,
        old_id_number=old_id,
        full_name=name,
        birth_date=birth_date,
        sex=sex_value,
        address=" ".join(address.split()),
        issued_on=issued_on,
    )
