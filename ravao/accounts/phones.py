"""Account phones: the owner's phone as they type it (``0935 246 810``, ``+84935246810``,
``84935246810``…) to one E.164 form and its keyed hash, which is how a log-in finds the account
(the phone itself is stored encrypted, never as a user name).

The rule is ``people.identity.normalise_phone``'s (a test keeps them equal); it is repeated
here because accounts is a base app and may not import people.
"""

import unicodedata

import phonenumbers

from ravao.core.crypto import lookup_hash


def e164(text: str, *, region: str = "VN") -> str | None:
    """The phone in E.164, or None when the text is not a valid phone number."""
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text or "")
    text = text.strip()
    if not text or len(text) > 32:
        return None
    candidates = [text]
    if text[0].isdigit() and text.startswith("84") and len("".join(c for c in text if c.isdigit())) >= 11:
        candidates.insert(0, "+" + text)  # 84935246810: the country code without its "+"
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def phone_hash(phone_e164: str) -> str:
    """The keyed hash an account is found by (``User.phone_hash``)."""
    return lookup_hash(f"account-phone|{phone_e164}")


def hash_of_typed(text: str) -> str | None:
    """The keyed hash of a typed phone, or None when it is not one."""
    phone = e164(text)
    return phone_hash(phone) if phone else None
