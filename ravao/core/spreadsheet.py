"""The one spreadsheet-cell escaper for every CSV and XLSX export (tracing, venue registry,
the venue's visits of the day).

The Luca lesson (2021): a name like ``=HYPERLINK("http://evil", "Click")`` typed by a visitor
ran as a formula in a health department's spreadsheet. Text starting with a character that
Excel, LibreOffice or Google Sheets read as a formula (= + - @, and tab or carriage return
before one) gets a leading apostrophe, which every one of them shows as plain text.
"""

from datetime import date, datetime, time
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a cell no spreadsheet will evaluate: numbers, dates and booleans as they
    are (a negative number is a number, not a formula) and None (an empty cell), anything else
    as text, with an apostrophe in front if it could start a formula."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime | time):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
