"""Personal data at rest: Fernet-encrypted model fields and keyed lookup hashes.

* ``EncryptedTextField`` stores ``MultiFernet`` tokens: the first key in RAVAO_FIELD_KEYS
  encrypts, every key decrypts, so keys rotate by prepending a new one and re-saving rows.
* ``lookup_hash`` is an HMAC-SHA256 with its own key (RAVAO_LOOKUP_KEY) of a normalised
  value: people are found by phone or ID number without decrypting anything, and a stolen
  database without the key cannot be brute-forced offline by hashing every phone number.

Without configured keys (the demo) both are derived from SECRET_KEY with HKDF, each with its
own label, so that the demo works out of the box and production only has to set them.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


def derive_key(label: str, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode()).derive(
        settings.SECRET_KEY.encode()
    )


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        keys = (newest_key(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.RAVAO_FIELD_KEYS))


def newest_key() -> str:
    """The key that encrypts (the first of RAVAO_FIELD_KEYS, or the demo's derived key)."""
    keys = tuple(settings.RAVAO_FIELD_KEYS)
    return keys[0] if keys else base64.urlsafe_b64encode(derive_key("ravao-field-encryption")).decode()


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


@lru_cache(maxsize=4)
def _lookup_key(configured: str, secret: str) -> bytes:
    return configured.encode() if configured else derive_key("ravao-lookup-hash")


def lookup_hash(normalised: str) -> str:
    key = _lookup_key(settings.RAVAO_LOOKUP_KEY, settings.SECRET_KEY)
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; empty strings stay empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
