"""Signed QR payloads: venue posters (a URL any phone camera opens) and personal QR cards.

Formats (docs/formats.md has the full description and a JavaScript verifier):

* venue:    ``{BASE_URL}/v/V1.<kid>.<venue code>.<entrance id or 0>.<code version>.<sig>``
* personal: ``RVP1.<kid>.<base64url(person id|qr version|masked name|birth year)>.<sig>``

``<sig>`` is the Ed25519 signature (base64url, no padding) of the ASCII bytes of everything
before the last ".". The prefix is inside the signed text, so a venue signature can never be
passed off as a personal one. Tokens carry no secret and no personal data in clear beyond a
masked name and a birth year.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.utils.translation import gettext as _

from ravao.codes.keys import KID_RE, b64decode_any, b64url, keyring
from ravao.core.baseurl import base_url
from ravao.core.errors import ServiceError
from ravao.core.masking import mask_name

VENUE_PREFIX = "V1"
PERSON_PREFIX = "RVP1"
SIG_LEN = 86  # 64 bytes in base64url without padding
_CODE_RE = re.compile(r"^[0-9A-Z]{4,8}$")
_INT_RE = re.compile(r"^(0|[1-9][0-9]{0,11})$")


class CodeError(ServiceError):
    """A QR code that cannot be accepted; ``code`` says why (malformed, unknown_key, ...)."""

    status = 400


class CodeRevoked(CodeError):
    """A validly signed code that has been replaced by a newer one (poster or personal QR)."""

    status = 410


@dataclass(frozen=True)
class VenueToken:
    venue_code: str
    entrance_id: int | None
    code_version: int
    kid: str
    # Filled by verify_venue_token when it checks revocation (saves the caller a query).
    venue: Any = field(default=None, compare=False, repr=False)
    entrance: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PersonToken:
    person_id: int
    qr_version: int
    masked_name: str
    birth_year: int | None
    kid: str


def _malformed() -> CodeError:
    return CodeError(
        _("This is not a valid Ravao code, or it is incomplete. Scan it again, or type the code printed under the QR."),
        code="malformed",
    )


def _sign(message: str) -> str:
    ring = keyring()
    return b64url(ring.signing_key.sign(message.encode("ascii")))


def _check_signature(kid: str, message: str, sig: str) -> None:
    key = keyring().verify.get(kid)
    if key is None:
        raise CodeError(
            _("This code was signed with a key that this site does not trust (key “%(kid)s”).") % {"kid": kid},
            code="unknown_key",
        )
    if len(sig) != SIG_LEN:
        raise _malformed()
    try:
        raw = b64decode_any(sig)
    except (binascii.Error, ValueError):
        raise _malformed() from None
    # The last of 86 base64 characters carries 2 bits of the signature and 4 unused bits: only
    # the canonical encoding (unused bits zero, URL-safe alphabet) is accepted, so that one
    # signature has one text and a code cannot be varied into 16 "different" valid codes.
    if b64url(raw) != sig:
        raise _malformed()
    try:
        key.verify(raw, message.encode("ascii"))
    except InvalidSignature:
        raise CodeError(
            _("This code's signature is not valid: it has been altered, or it was not issued by this site."),
            code="bad_signature",
        ) from None


# --- venue posters ------------------------------------------------------------------------


def venue_token(*, venue_code: str, entrance_id: int | None, code_version: int) -> str:
    """The signed token for a venue (or one of its entrances), without the URL around it."""
    message = f"{VENUE_PREFIX}.{keyring().signing_kid}.{venue_code}.{entrance_id or 0}.{code_version}"
    return f"{message}.{_sign(message)}"


def venue_qr_url(*, venue, entrance=None) -> str:
    """The URL printed as the poster's QR: any phone camera opens the check-in page."""
    token = venue_token(
        venue_code=venue.code,
        entrance_id=entrance.pk if entrance is not None else None,
        code_version=entrance.code_version if entrance is not None else venue.code_version,
    )
    return f"{base_url()}/v/{token}"


def extract_token(token_or_url: str) -> str:
    """The token in a scanned text: a bare token, or a poster URL (any host, query ignored)."""
    text = (token_or_url or "").strip()
    if "/v/" in text:
        text = text.rsplit("/v/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/")


def verify_venue_signature(token_or_url: str) -> VenueToken:
    """Check format and signature only (no database): what the offline scanner does too."""
    token = extract_token(token_or_url)
    if len(token) > 200 or not token.isascii():
        raise _malformed()
    parts = token.split(".")
    if len(parts) != 6 or parts[0] != VENUE_PREFIX:
        raise _malformed()
    prefix, kid, code, entrance, version, sig = parts
    if not KID_RE.match(kid) or not _CODE_RE.match(code) or not _INT_RE.match(entrance) or not _INT_RE.match(version):
        raise _malformed()
    _check_signature(kid, ".".join(parts[:5]), sig)
    return VenueToken(venue_code=code, entrance_id=int(entrance) or None, code_version=int(version), kid=kid)


def poster_replaced() -> CodeRevoked:
    return CodeRevoked(
        _("This poster has been replaced. Scan the new poster, or type the code printed under it."),
        code="replaced",
    )


# --- personal QR --------------------------------------------------------------------------


def person_qr_text(*, person, masked_name: str | None = None) -> str:
    """The text of a person's QR card: id, qr_version, masked name, birth year — signed."""
    name = mask_name(person.full_name) if masked_name is None else masked_name.replace("|", " ")
    year = person.birth_year or ""
    payload = b64url(f"{person.pk}|{person.qr_version}|{name}|{year}".encode())
    message = f"{PERSON_PREFIX}.{keyring().signing_kid}.{payload}"
    return f"{message}.{_sign(message)}"


def verify_person_qr(text: str) -> PersonToken:
    """Verify a scanned personal QR (format, key, signature). Revocation: see below."""
    text = (text or "").strip()
    if len(text) > 400 or not text.isascii():
        raise _malformed()
    parts = text.split(".")
    if len(parts) != 4 or parts[0] != PERSON_PREFIX or not KID_RE.match(parts[1]):
        raise _malformed()
    _check_signature(parts[1], ".".join(parts[:3]), parts[3])
    try:
        fields = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4)).decode("utf-8").split("|")
        person_id, version, name, year = fields
        return PersonToken(
            person_id=int(person_id),
            qr_version=int(version),
            masked_name=name,
            birth_year=int(year) if year else None,
            kid=parts[1],
        )
    except (ValueError, binascii.Error, UnicodeDecodeError):
        # Validly signed yet unreadable: only a bug or a compromised key can do this.
        raise _malformed() from None


def personal_qr_replaced() -> CodeRevoked:
    return CodeRevoked(
        _("This personal QR code has been replaced by a newer one. Ask the person for their new card."),
        code="replaced",
    )


def check_person_qr_current(token: PersonToken, person) -> None:
    """Raise CodeRevoked unless ``token`` carries ``person``'s current qr_version."""
    if person is None or person.pk != token.person_id or person.qr_version != token.qr_version:
        raise personal_qr_replaced()
