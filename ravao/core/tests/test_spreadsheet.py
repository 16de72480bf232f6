"""The one spreadsheet-cell escaper (ravao/core/spreadsheet.py)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from ravao.core.spreadsheet import safe_cell


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","Click")', "+84912345678", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_could_start_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_other_values_stay_as_they_are():
    assert safe_cell("N. V. An") == "N. V. An" and safe_cell("a=b") == "a=b"
    assert safe_cell(-5) == -5 and safe_cell(1.5) == 1.5 and safe_cell(Decimal("0.5")) == Decimal("0.5")
    assert safe_cell(True) is True and safe_cell(None) is None
    assert safe_cell(date(2021, 10, 1)) == date(2021, 10, 1) and isinstance(safe_cell(datetime(2021, 10, 1)), datetime)


def test_objects_become_escaped_text():
    class Name:
        def __str__(self):
            return "=1+1"

    assert safe_cell(Name()) == "'=1+1"
