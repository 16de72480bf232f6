"""Issue 15: QR signatures are not malleable — the 15 other encodings of a signature's last
base64 character (its 4 unused bits set) are refused, for posters and personal QR codes."""

import pytest

from ravao.codes.signing import (
    CodeError,
    person_qr_text,
    venue_token,
    verify_person_qr,
    verify_venue_signature,
)
from ravao.people.models import Person

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def variants(token: str) -> list[str]:
    """Every other character whose 2 significant bits equal those of the last one."""
    last = ALPHABET.index(token[-1])
    same_bits = [ALPHABET[(last & 0b110000) | low] for low in range(16)]
    return [token[:-1] + ch for ch in same_bits if ch != token[-1]]


def test_the_15_variants_of_a_poster_signature_are_refused(db):
    token = venue_token(venue_code="ABCD234", entrance_id=None, code_version=1)
    assert verify_venue_signature(token).venue_code == "ABCD234"
    others = variants(token)
    assert len(others) == 15
    for other in others:
        with pytest.raises(CodeError):
            verify_venue_signature(other)


def test_the_15_variants_of_a_personal_qr_signature_are_refused(db):
    person = Person.objects.create(full_name="Nguyễn Văn An", birth_year=1990)
    text = person_qr_text(person=person)
    assert verify_person_qr(text).person_id == person.pk
    for other in variants(text):
        with pytest.raises(CodeError):
            verify_person_qr(other)


def test_the_standard_alphabet_is_not_a_second_encoding(db):
    token = next(
        t
        for v in range(1, 200)
        if set("-_") & set((t := venue_token(venue_code="ABCD234", entrance_id=None, code_version=v)).rsplit(".", 1)[1])
    )
    sig = token.rsplit(".", 1)[1]
    with pytest.raises(CodeError):
        verify_venue_signature(token[: -len(sig)] + sig.replace("-", "+").replace("_", "/"))
