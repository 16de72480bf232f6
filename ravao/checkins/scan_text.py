"""Who a scanned text is: a Ravao personal QR, a chip ID card (CCCD) QR, or a typed phone or ID
number with the birth year the person gives (docs/identity.md)."""

import re

from django.utils.translation import gettext as _

from ravao.checkins import conf
from ravao.checkins.models import Channel
from ravao.codes.signing import PERSON_PREFIX, VENUE_PREFIX, CodeError, verify_person_qr
from ravao.core import ratelimit
from ravao.people import services as people
from ravao.people.identity import ascii_digits, looks_like_cccd, number_forms, parse_cccd
from ravao.people.models import Person

_YEAR_SEP = re.compile(r"[\s/]+")


def typed_number(text: str) -> tuple[str, int | None]:
    """A typed number and the birth year typed after it, if any: “0912 345 678 1990” or
    “0912345678/1990”. A text that is a valid number as a whole keeps all its digits."""
    text = (text or "").strip()
    parts = _YEAR_SEP.split(text)
    if len(parts) < 2 or not (len(parts[-1]) == 4 and parts[-1].isdigit()):
        return text, None
    if number_forms(text.replace("/", "")):
        return text, None
    rest = text[: text.rstrip().rindex(parts[-1])].rstrip(" /\t")
    if not number_forms(rest):
        return text, None
    return rest, int(parts[-1])


def check_typed_number(number: str) -> None:
    """Typed numbers are limited per number, whichever accounts type it (look-ups and gate
    enrolments alike): nobody tries years, or gates, until one fits."""
    compact = number.replace(" ", "").replace(".", "").replace("-", "")
    ratelimit.check(
        "typed-number",
        ascii_digits(compact).lstrip("+").upper(),
        limit=conf.typed_number_limit(),
        window=3600,
        message=_(
            "This number has been typed too often in the last hour. Scan the person's ID card or personal QR instead."
        ),
    )


def person_for_scan(text: str, *, birth_year=None, status_at=None) -> tuple[Person, str]:
    """Who a scanned text is: a Ravao personal QR, a chip ID card QR, or a typed phone or ID
    number (manual entry) with the birth year the person gives (``birth_year``, or typed after
    the number). Anything else is refused with a clear message. ``status_at``: also read the
    person's colour at that time in the same query (``status_now``)."""

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
    if (
        len(compact) <= 16
        and compact.lstrip("+").isalnum()
        and any(ch.isdigit() for ch in compact)
        and "/" not in number
    ):
        year = birth_year if birth_year not in (None, "") else typed_year
        check_typed_number(compact)
        return people.person_by_number(number, birth_year=year, status_at=status_at), Channel.MANUAL
    if "/v/" in text or text.startswith(VENUE_PREFIX + "."):
        raise CodeError(
            _("This is a venue poster, not a person's code. Scan the visitor's personal QR or ID card."),
            code="venue_code",
        )
    raise CodeError(
        _(
            "This code is not recognised. Scan a Ravao personal QR or a chip ID card (CCCD) QR, or type a phone or "
            "ID number."
        ),
        code="unrecognised",
    )
