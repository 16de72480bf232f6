"""Ed25519 keys for QR codes: which key signs, which keys are trusted, and how to make one.

* ``RAVAO_SIGNING_KEYS``: "kid:base64-private-key" entries; the FIRST one signs, all verify.
* ``RAVAO_VERIFY_KEYS``: "kid:base64-public-key" entries that only verify (a retired key whose
  private half was destroyed, or a key held by another server).
* Neither set (the demo): one key derived from SECRET_KEY with HKDF, key id "d1", so that the
  demo works out of the box and posters survive a restart.

Rotation: prepend a new signing key (new posters use it), keep the old one listed (old posters
still verify), later move the old one to RAVAO_VERIFY_KEYS as a public key only.
"""

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ravao.core.crypto import derive_key

DEMO_KID = "d1"
KID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def b64decode_any(text: str) -> bytes:
    """Standard or URL-safe base64, with or without padding."""
    text = text.strip().replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    return base64.b64decode(text, validate=True)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class KeyRing:
    signing_kid: str
    signing_key: Ed25519PrivateKey
    verify: dict[str, Ed25519PublicKey]  # kid -> public key, the signing key included


def _split(entry: str, setting: str) -> tuple[str, bytes]:
    kid, sep, value = entry.strip().partition(":")
    if not sep or not KID_RE.match(kid):
        raise ImproperlyConfigured(f"{setting}: each entry must be 'kid:base64-key' (kid: 1-16 of A-Z a-z 0-9 _ -)")
    try:
        raw = b64decode_any(value)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{setting}: key {kid!r} is not valid base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{setting}: key {kid!r} must be 32 bytes (a raw Ed25519 key)")
    return kid, raw


@lru_cache(maxsize=8)
def _ring(signing: tuple[str, ...], verify: tuple[str, ...], secret: str) -> KeyRing:
    private: list[tuple[str, Ed25519PrivateKey]] = []
    for entry in signing:
        kid, raw = _split(entry, "RAVAO_SIGNING_KEYS")
        private.append((kid, Ed25519PrivateKey.from_private_bytes(raw)))
    if not private:
        private.append((DEMO_KID, Ed25519PrivateKey.from_private_bytes(derive_key("ravao-qr-signing"))))
    trusted: dict[str, Ed25519PublicKey] = {}
    for kid, key in private:
        trusted.setdefault(kid, key.public_key())
    for entry in verify:
        kid, raw = _split(entry, "RAVAO_VERIFY_KEYS")
        trusted.setdefault(kid, Ed25519PublicKey.from_public_bytes(raw))
    return KeyRing(signing_kid=private[0][0], signing_key=private[0][1], verify=trusted)


def keyring() -> KeyRing:
    """The keys in force under the current settings (cached per settings value)."""
    return _ring(
        tuple(e for e in settings.RAVAO_SIGNING_KEYS if e.strip()),
        tuple(e for e in settings.RAVAO_VERIFY_KEYS if e.strip()),
        settings.SECRET_KEY,
    )


def public_keys() -> dict[str, str]:
    """Every trusted key id with its raw 32-byte public key in standard base64."""
    return {kid: base64.b64encode(public_bytes(key)).decode("ascii") for kid, key in keyring().verify.items()}


def generate_key_line(kid: str | None = None) -> tuple[str, str]:
    """A new key pair: ("kid:base64-private" for RAVAO_SIGNING_KEYS, "kid:base64-public")."""
    kid = kid or "k" + secrets.token_hex(3)
    if not KID_RE.match(kid):
        raise ValueError("A key id is 1-16 characters among A-Z a-z 0-9 _ -")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return (
        f"{kid}:{base64.b64encode(private).decode('ascii')}",
        f"{kid}:{base64.b64encode(public_bytes(key.public_key())).decode('ascii')}",
    )
