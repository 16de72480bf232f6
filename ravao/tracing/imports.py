"""Import confirmed cases from a spreadsheet (XLSX or CSV): dry run, errors per row, all or nothing.

Columns (header row, any order, case-insensitive; Vietnamese names accepted): ``phone`` or
``id_number`` (one is needed), ``symptom_onset``, ``test_date`` (YYYY-MM-DD or DD/MM/YYYY),
``isolated_at``, ``infectious_from``, ``infectious_to`` (date or date-time), ``notes``.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ravao.core.errors import ServiceError
from ravao.tracing.services import case_open, local_midnight, require_tracer

ALIASES = {
    "phone": "phone",
    "điện thoại": "phone",
    "so dien thoai": "phone",
    "số điện thoại": "phone",
    "sđt": "phone",
    "id_number": "id_number",
    "cccd": "id_number",
    "số cccd": "id_number",
    "id": "id_number",
    "symptom_onset": "symptom_onset",
    "ngày khởi phát": "symptom_onset",
    "test_date": "test_date",
    "ngày xét nghiệm": "test_date",
    "isolated_at": "isolated_at",
    "ngày cách ly": "isolated_at",
    "infectious_from": "infectious_from",
    "infectious_to": "infectious_to",
    "notes": "notes",
    "ghi chú": "notes",
}
DATE_FIELDS = ("symptom_onset", "test_date")
DATETIME_FIELDS = ("isolated_at", "infectious_from", "infectious_to")
MAX_ROWS = 5000


@dataclass
class ImportResult:
    rows: int = 0
    valid: int = 0  # rows that would open (or opened) a case
    created: list = field(default_factory=list)  # case ids, empty after a dry run or any error
    errors: list = field(default_factory=list)  # (row number, message)
    dry_run: bool = True


class _RowError(Exception):
    pass


def _read(content: bytes, filename: str) -> list[dict]:
    if filename.lower().endswith(".xlsx"):
        try:
            ws = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ServiceError(_("The file could not be read as a spreadsheet.")) from exc
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(_("The CSV file must be UTF-8.")) from exc
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ServiceError(_("The file is empty."))
    header = [ALIASES.get(str(h or "").strip().lower()) for h in rows[0]]
    if "phone" not in header and "id_number" not in header:
        raise ServiceError(_("The first row must name the columns, with a “phone” or an “id_number” column."))
    if len(rows) - 1 > MAX_ROWS:
        raise ServiceError(_("At most %(n)d cases per file.") % {"n": MAX_ROWS})
    return [
        {h: v for h, v in zip(header, row, strict=False) if h and v not in (None, "")}
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _RowError(_("“%(value)s” is not a date.") % {"value": text[:30]})


def _datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return local_midnight(_date(value))


def case_import(*, user, content: bytes, filename: str, dry_run: bool = True, request=None) -> ImportResult:
    """Check every row, then (unless a dry run) open all the cases, or none if any row fails."""
    require_tracer(user)
    rows = _read(content, filename)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                try:
                    kwargs = {k: _date(row[k]) for k in DATE_FIELDS if k in row}
                    kwargs.update({k: _datetime(row[k]) for k in DATETIME_FIELDS if k in row})
                    with transaction.atomic():
                        case = case_open(
                            user=user,
                            phone=str(row.get("phone", "")).strip(),
                            id_number=str(row.get("id_number", "")).strip(),
                            notes=str(row.get("notes", "")),
                            request=request,
                            **kwargs,
                        )
                    result.created.append(case.pk)
                except (_RowError, ServiceError) as exc:
                    result.errors.append((number, getattr(exc, "message", None) or str(exc)))
            if dry_run or result.errors:
                raise _Rollback
    except _Rollback:
        result.valid, result.created = len(result.created), []
        return result
    result.valid = len(result.created)
    return result


class _Rollback(Exception):
    pass
