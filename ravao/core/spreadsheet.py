"""The one place spreadsheet files are made safe and readable: every CSV and XLSX export
(tracing, the venue registry, the venue's visits of the day, the audit log, reports).

The Luca lesson (2021): a name like ``=HYPERLINK("http://evil", "Click")`` typed by a visitor
ran as a formula in a health department's spreadsheet.

- CSV has no cell types: text starting with a character that Excel, LibreOffice or Google Sheets
  read as a formula (= + - @, and tab or carriage return before one) gets a leading apostrophe
  (``safe_cell``), which every one of them shows as plain text.
- XLSX has them: text is written as a string cell, never a formula, and a text that would start
  a formula when retyped carries the "quote prefix" style — the apostrophe Excel keeps hidden —
  so a phone ``+84…`` reads ``+84…``, not ``'+84…`` (``XlsxSheet``). Dates are real dates in the
  language's format (``ravao/core/dates.py``), columns have widths, the header row stays in view
  and carries an auto-filter.
"""

import io
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.core import dates

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 8, 60


def safe_cell(value):
    """``value`` as a CSV cell no spreadsheet will evaluate: numbers, dates and booleans as they
    are (a negative number is a number, not a formula) and None (an empty cell), anything else
    as text, with an apostrophe in front if it could start a formula."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime | time):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_value(value):
    """A CSV cell as people read it: dates in the language's format, yes/blank for booleans,
    then ``safe_cell``."""
    if isinstance(value, datetime):
        return dates.format_datetime(value)
    if isinstance(value, date):
        return dates.format_date(value)
    if isinstance(value, bool):
        return _("yes") if value else ""
    return safe_cell(value)


def _width(value) -> int:
    if isinstance(value, datetime):
        return 17
    if isinstance(value, date):
        return 11
    return len(str(value)) if value is not None else 0


class XlsxSheet:
    """One sheet of a write-only (streamed) workbook: a bold header row, fixed column widths
    (written before the rows, from ``widths`` or the headers), a frozen header, an auto-filter
    over every row written, and cells made by ``cell``."""

    def __init__(self, workbook, title: str, headers: list[str], widths: list[int] | None = None):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self._cell_class, self._letter = WriteOnlyCell, get_column_letter
        self.ws = workbook.create_sheet(title[:31])
        self.columns, self.rows = len(headers), 0
        widths = widths or [0] * len(headers)
        for i, header in enumerate(headers, 1):
            w = max(widths[i - 1] or 0, len(str(header)) + 2, MIN_WIDTH)
            self.ws.column_dimensions[get_column_letter(i)].width = min(w, MAX_WIDTH)
        self.ws.freeze_panes = "A2"
        bold = Font(bold=True)
        head = []
        for h in headers:
            c = self.cell(str(h))
            c.font = bold
            head.append(c)
        self.ws.append(head)
        self._formats = {datetime: dates.excel_format(dates.DATETIME), date: dates.excel_format(dates.DATE)}

    def cell(self, value):
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            c = self._cell_class(self.ws, value=local.replace(tzinfo=None))
            c.number_format = self._formats[datetime]
            return c
        if isinstance(value, date):
            c = self._cell_class(self.ws, value=value)
            c.number_format = self._formats[date]
            return c
        if isinstance(value, bool):
            return self._cell_class(self.ws, value=_("yes") if value else None)
        if value is None or isinstance(value, int | float | Decimal):
            return self._cell_class(self.ws, value=value)
        text = str(value)
        c = self._cell_class(self.ws, value=text)
        c.data_type = "s"  # never a formula, even for "=…"
        if text.startswith(FORMULA_START):
            c.quotePrefix = True  # Excel's hidden apostrophe: shown as typed, kept as text when edited
        return c

    def append(self, values):
        self.ws.append([self.cell(v) for v in values])
        self.rows += 1

    def close(self):
        """The auto-filter over the header and every row (call before saving)."""
        self.ws.auto_filter.ref = f"A1:{self._letter(max(self.columns, 1))}{self.rows + 1}"


def xlsx_workbook():
    from openpyxl import Workbook

    return Workbook(write_only=True)


def xlsx_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def column_widths(rows, headers) -> list[int]:
    """Widths fitting the longest value of each column (for sheets whose rows are in memory)."""
    widths = [len(str(h)) + 2 for h in headers]
    for row in rows:
        for i, v in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _width(v) + 2)
    return widths


def tidy(ws, header_row: int = 1):
    """For a sheet built in memory (not write-only): widths from its contents, the header row
    frozen and filtered."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row):
        for c in row:
            if c.value is not None:
                widths[c.column] = max(widths.get(c.column, 0), _width(c.value) + 2)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(w, MIN_WIDTH), MAX_WIDTH)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if ws.max_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ws.max_column)}{ws.max_row}"


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
