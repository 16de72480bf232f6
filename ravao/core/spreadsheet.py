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


def rejects_workbook(*, header: list[str], rows: list[list], problem: str, title: str = "") -> bytes:
    """An XLSX of the rows an import could not take, as they were given under ``header``, with
    the problem of each in a last column (``problem`` names it): the file to fix and import
    again (importers ignore the problem column)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = (title or "rows")[:31]
    ws.append([safe_cell(h) for h in header] + [safe_cell(problem)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FDE2E1")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        ws.cell(row=ws.max_row, column=len(header) + 1).fill = red
    ws.column_dimensions["A"].width = 30
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
