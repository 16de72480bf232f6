"""Issue 14 (4): an ID number typed in full-width, Arabic-Indic or Devanagari digits is the same
person as in ASCII digits; anything that only looks like digits is refused with a message."""

import uuid

import pytest

from ravao.people.identity import IdentityError, normalise_id_number, normalise_phone
from ravao.people.models import Person
from ravao.testing import ApiClient
from ravao.venues import testing as venues_testing

FORMS = ["046090001234", "０４６０９０００１２３４", "٠٤٦٠٩٠٠٠١٢٣٤", "०४६०९०००१२३४", "046 090.001-234"]


@pytest.mark.parametrize("typed", FORMS)
def test_every_script_of_digits_gives_one_normal_form(typed):
    assert normalise_id_number(typed) == "046090001234"


def test_phones_in_other_digits_are_one_phone():
    assert normalise_phone("０９１２ ３４５ ６７８") == normalise_phone("٠٩١٢٣٤٥٦٧٨") == "+84912345678"


@pytest.mark.parametrize("fake", ["04609000123⁴", "0460900012³4", "04609000123\u0000", "𝟎𝟒𝟔𝟎𝟗𝟎𝟎𝟎𝟏𝟐𝟑𝟒x"])
def test_look_alikes_are_refused(fake):
    with pytest.raises(IdentityError):
        normalise_id_number(fake)


def test_check_ins_in_any_digits_reach_the_same_person(small_map):
    venue = venues_testing.make_venue(small_map.commune_a, "Quán Phở", "restaurant")
    for typed in FORMS:
        res = ApiClient().post(
            "/checkins",
            {
                "venue": venue.code,
                "client_id": str(uuid.uuid4()),
                "person": {"full_name": "Vũ Văn Tư", "id_number": typed, "birth_year": 1990},
            },
        )
        assert res.status_code in (200, 201), res.json()
    assert Person.objects.count() == 1
    bad = ApiClient().post(
        "/checkins",
        {
            "venue": venue.code,
            "client_id": str(uuid.uuid4()),
            "person": {"full_name": "Vũ Văn Tư", "id_number": "04609000123⁴"},
        },
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_id_number"
