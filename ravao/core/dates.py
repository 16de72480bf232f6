"""One date format per language, everywhere: pages, PDF, XLSX/CSV, SMS and scripts.

The formats are in ``ravao/core/formats/<lang>/formats.py`` (``FORMAT_MODULE_PATH``):
Vietnamese 04/12/2026 16:30, English 12/04/2026 4:30 PM. Templates use Django's named formats
(``|date:"SHORT_DATE_FORMAT"``, ``|date:"SHORT_DATETIME_FORMAT"``, ``|time:"TIME_FORMAT"``);
Python code calls the functions below; spreadsheets get the same pattern as a number format
(``excel_format``); scripts get it from ``<html data-date-format …>`` (``core/static/core/dates.js``).
Machine formats (ISO 8601 in the API, JSON, ``<input type=date>`` values, file names) are not
display formats and stay ISO.
"""

from datetime import date, datetime

from django.utils import formats, timezone

DATE, DATETIME, TIME = "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"

# Django format characters -> Excel number-format tokens (only those our formats use).
_EXCEL = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy", "H": "hh", "G": "h", "g": "h"}
_EXCEL.update({"h": "hh", "i": "mm", "s": "ss", "A": "AM/PM", "a": "AM/PM"})


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value: date | datetime | None) -> str:
    """04/12/2026 (vi) · 12/04/2026 (en); empty for None."""
    if value is None:
        return ""
    value = _local(value)
    return formats.date_format(value.date() if isinstance(value, datetime) else value, DATE)


def format_datetime(value: datetime | None) -> str:
    """04/12/2026 16:30 (vi) · 12/04/2026 4:30 PM (en), in local time; empty for None."""
    return "" if value is None else formats.date_format(_local(value), DATETIME)


def format_time(value: datetime | None) -> str:
    """16:30 (vi) · 4:30 PM (en), in local time; empty for None."""
    return "" if value is None else formats.time_format(_local(value), TIME)


def excel_format(kind: str = DATETIME) -> str:
    """The active language's pattern as an XLSX number format ("dd/mm/yyyy hh:mm")."""
    return "".join(_EXCEL.get(ch, ch) for ch in formats.get_format(kind))


def js_formats() -> dict:
    """The patterns handed to scripts (``<html data-date-format="d/m/Y" data-time-format="H:i">``)."""
    return {"date": formats.get_format(DATE), "time": formats.get_format(TIME)}
