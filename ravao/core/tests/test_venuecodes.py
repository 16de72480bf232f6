"""The one venue-code normaliser (ravao/core/venuecodes.py)."""

import pytest

from ravao.core.venuecodes import CODE_ALPHABET, CODE_LENGTH, normalise_venue_code


@pytest.mark.parametrize(
    "typed",
    [
        "AC34679",
        "ac34679",
        "A C 3 4 6 7 9",
        "AC-34679",
        "ac3 4679",
        " AC34679\r\n",
        "AC.346.79",
        "ＡＣ３４６７９",
    ],
)
def test_every_typed_form_gives_the_stored_code(typed):
    assert normalise_venue_code(typed) == "AC34679"


@pytest.mark.parametrize("typed", [None, "", "AC3467", "AC346799", "AC3467O", "AC34671", "ÀC34679", "AC34679?X"])
def test_what_cannot_be_a_code_gives_empty(typed):
    assert normalise_venue_code(typed) == ""


def test_codes_never_use_letters_that_are_misread():
    assert len(CODE_ALPHABET) == 25 and CODE_LENGTH == 7
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)
