"""Identity text: phones, ID numbers, the chip ID card QR (7- and 6-field forms)."""

from datetime import date

import pytest

from ravao.people.identity import (
    IdentityError,
    name_key,
    normalise_id_number,
    normalise_phone,
    parse_cccd,
)


@pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "+84912345678", "84 912-345-678", "(+84) 912.345.678"])
def test_it_normalises_vietnamese_phones_to_e164(raw):
    assert normalise_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "12", "0000000000", "abc", "09123456789012"])
def test_it_refuses_invalid_phones(raw):
    with pytest.raises(IdentityError):
        normalise_phone(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("001090012345", "001090012345"),
        ("001 090-012.345", "001090012345"),
        ("123456789", "123456789"),
        ("c1234567", "C1234567"),
    ],
)
def test_it_normalises_id_numbers(raw, expected):
    assert normalise_id_number(raw) == expected


@pytest.mark.parametrize("raw", ["1234", "12345678901", "0010900123456", "ABCDE", "!!!!!!!"])
def test_it_refuses_invalid_id_numbers(raw):
    with pytest.raises(IdentityError):
        normalise_id_number(raw)


def test_it_parses_the_7_field_form():
    card = parse_cccd("001090012345|123456789|Trần Thị Bình|15041990|Nữ|12 Lê Lợi, Huế|01072021")
    assert card.id_number == "001090012345" and card.old_id_number == "123456789"
    assert card.full_name == "Trần Thị Bình" and card.birth_date == date(1990, 4, 15) and card.sex == "female"
    assert card.address == "12 Lê Lợi, Huế" and card.issued_on == date(2021, 7, 1)


def test_it_parses_the_7_field_form_with_an_empty_old_id():
    card = parse_cccd("001090012345||Trần Thị Bình|15041990|Nữ|Huế|01072021")
    assert card.old_id_number == ""


def test_it_parses_the_6_field_form():
    card = parse_cccd("046095001234|Lê Văn Cường|02021995|Nam|5 Trần Hưng Đạo, Huế|10082021\n")
    assert card.id_number == "046095001234" and card.old_id_number == "" and card.sex == "male"
    assert card.birth_date == date(1995, 2, 2)


def test_it_accepts_decomposed_vietnamese_text():
    import unicodedata

    card = parse_cccd(unicodedata.normalize("NFD", "001090012345|123456789|Trần Thị Bình|15041990|Nữ|Huế|01072021"))
    assert card.sex == "female" and card.full_name == "Trần Thị Bình"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("just text", "6 or 7 fields"),
        ("1|2|3|4|5", "6 or 7 fields"),
        ("1|2|3|4|5|6|7|8|9", "6 or 7 fields"),
        ("00109001234|123456789|A B|15041990|Nam|Huế|01072021", "12 digits"),
        ("001090012345|1234|A B|15041990|Nam|Huế|01072021", "9 digits"),
        ("001090012345|123456789| |15041990|Nam|Huế|01072021", "empty"),
        ("001090012345|123456789|A B|1990-04-15|Nam|Huế|01072021", "DDMMYYYY"),
        ("001090012345|123456789|A B|15041990|M|Huế|01072021", "Nam"),
        ("001090012345|123456789|A B|15041990|Nam|Huế|01071980", "not possible"),
    ],
)
def test_it_rejects_malformed_card_text_with_a_clear_message(text, fragment):
    from django.utils import translation

    with translation.override("en"), pytest.raises(IdentityError) as err:
        parse_cccd(text)
    assert fragment in err.value.message


def test_name_keys_ignore_case_accents_and_spaces():
    assert name_key("Nguyễn  Văn Đạt") == name_key("nguyen van dat")


def test_a_typed_number_is_a_phone_an_id_number_both_or_neither():
    from ravao.people.identity import number_forms

    assert number_forms("0912 345 678") == ["+84912345678"]
    assert number_forms("001.090.012.345") == ["001090012345"]
    assert number_forms("B1234567") == ["B1234567"]  # a passport
    assert number_forms("912345678") == ["912345678", "+84912345678"]  # old ID card, or a phone without 0
    assert number_forms("12") == [] and number_forms("call me!") == [] and number_forms("") == []
