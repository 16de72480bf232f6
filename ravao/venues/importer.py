"""Bulk import of venues from the spreadsheets communes already keep (XLSX or CSV).

Columns (header row, any order, English or Vietnamese): name, type (a code, the Vietnamese or
English name or a common word for it, accents optional: ``catalog.lookup``), address, unit
(name or code), phone. Every row is checked first and every problem listed; by default one bad
row and nothing is written, and with ``keep_good`` the good rows are imported and the bad ones
returned as a spreadsheet to fix (``ImportReport.rejects_xlsx``). The natural key (unit + folded
name + folded address, see ``models.natural_key_of``) makes a re-import create no duplicates:
known venues are reported as "already registered" and left alone.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.catalog.lookup import TypeLookup
from ravao.catalog.models import VenueKind
from ravao.core.errors import ServiceError
from ravao.core.spreadsheet import rejects_workbook
from ravao.people.identity import IdentityError, normalise_phone
from ravao.units.models import Unit
from ravao.units.selectors import unit_candidates
from ravao.venues.models import Venue, fold_words, natural_key_of, new_public_code

MAX_ROWS = 20_000
HEADERS = {
    "name": {"name", "ten", "ten co so", "ten dia diem", "venue", "venue name"},
    "type": {"type", "loai", "loai hinh", "loai dia diem", "venue type"},
    "address": {"address", "dia chi", "street", "so nha duong"},
    "unit": {"unit", "unit code", "unit name", "xa", "phuong", "xa phuong", "ma xa", "commune", "ward", "don vi"},
    "phone": {"phone", "dien thoai", "so dien thoai", "sdt", "contact phone"},
}
REQUIRED = ("name", "type", "unit")


@dataclass
class RowResult:
    line: int
    name: str
    status: str  # "create", "exists", "error"
    messages: list[str] = field(default_factory=list)
    code: str = ""
    cells: dict = field(default_factory=dict, repr=False)  # the row as read (for the file to fix)


@dataclass
class ImportReport:
    rows: list[RowResult]
    dry_run: bool
    committed: bool = False
    keep_good: bool = False

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def created(self) -> int:
        return sum(r.status == "create" for r in self.rows) if self.committed else 0

    @property
    def to_create(self) -> int:
        return sum(r.status == "create" for r in self.rows)

    @property
    def existing(self) -> int:
        return sum(r.status == "exists" for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "committed": self.committed,
            "keep_good": self.keep_good,
            "to_create": self.to_create,
            "created": self.created,
            "existing": self.existing,
            "errors": len(self.errors),
            "rows": [
                {"line": r.line, "name": r.name, "status": r.status, "messages": r.messages, "code": r.code}
                for r in self.rows
            ],
        }

    def rejects_xlsx(self) -> bytes:
        """The rows in error, with their problems: the file to fix and import again."""
        return rejects_workbook(
            header=list(HEADERS),
            rows=[[r.cells.get(c, "") for c in HEADERS] + ["; ".join(r.messages)] for r in self.errors],
            problem=_("Problem"),
            title=_("Rows to fix"),
        )


def read_table(data: bytes, filename: str) -> list[tuple[int, dict]]:
    """Rows as (spreadsheet line number, {column: text}) from XLSX or CSV (UTF-8, , or ;)."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # any unreadable workbook
            raise ServiceError(_("This file is not a readable XLSX workbook.")) from exc
        raw = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif filename.lower().endswith((".csv", ".txt")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(_("Save the CSV file as UTF-8.")) from exc
        header = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=header.count)  # Excel in Vietnamese locales saves with ";"
        raw = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise ServiceError(_("Upload an XLSX or CSV file."))
    if not raw:
        raise ServiceError(_("The file is empty."))
    columns = {}
    for index, header in enumerate(raw[0]):
        key = fold_words(header)
        for column, names in HEADERS.items():
            if key in names and column not in columns:
                columns[column] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ServiceError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for line, values in enumerate(raw[1:], start=2):
        row = {c: (values[i].strip() if i < len(values) and values[i] is not None else "") for c, i in columns.items()}
        if any(row.values()):
            rows.append((line, row))
    if len(rows) > MAX_ROWS:
        raise ServiceError(_("At most %(n)s rows per file: split the file.") % {"n": MAX_ROWS})
    return rows


class _Lookups:
    """Venue types and units resolved once per file, within the importer's jurisdiction."""

    def __init__(self, user):
        self.types = TypeLookup()
        units = Unit.objects.current().filter(children__isnull=True)
        self.units = units if user is None else units & Unit.objects.restrict(user)
        self.cache: dict[str, list[Unit]] = {}

    def venue_type(self, text: str):
        return self.types.find(text)

    def unit(self, text: str) -> list[Unit]:
        """Units named by ``text``: a code, "code — name" (the picker), or a name, accents optional."""
        text = text.strip()
        if text not in self.cache:
            self.cache[text] = unit_candidates(text, units=self.units, limit=3)
        return self.cache[text]


def _check_rows(rows, user) -> tuple[list[RowResult], list[Venue]]:
    lookups = _Lookups(user)
    results, pending, seen = [], [], {}
    for line, row in rows:
        result = RowResult(line=line, name=row.get("name", ""), status="create", cells=row)
        messages = result.messages
        if not row.get("name"):
            messages.append(_("the name is empty"))
        vt = lookups.venue_type(row.get("type", ""))
        if vt is None:
            messages.append(_("unknown venue type “%(type)s”") % {"type": row.get("type", "")})
        elif vt.kind != VenueKind.PLACE:
            messages.append(_("events and vehicles are registered one by one, not imported"))
        units = lookups.unit(row.get("unit", "")) if row.get("unit") else []
        if not row.get("unit"):
            messages.append(_("the commune or ward is empty"))
        elif not units:
            messages.append(
                _("no commune or ward “%(unit)s” in your area (use its name or code)") % {"unit": row["unit"]}
            )
        elif len(units) > 1:
            messages.append(_("several communes or wards are called “%(unit)s”: use the code") % {"unit": row["unit"]})
        phone = ""
        if row.get("phone"):
            try:
                phone = normalise_phone(row["phone"])
            except IdentityError:
                messages.append(_("the phone number “%(phone)s” is not valid") % {"phone": row["phone"]})
        if messages:
            result.status = "error"
            results.append(result)
            continue
        unit = units[0]
        key = natural_key_of(unit.pk, row["name"], row.get("address", ""))
        if key in seen:
            result.status = "error"
            messages.append(_("the same venue as row %(line)s") % {"line": seen[key]})
            results.append(result)
            continue
        seen[key] = line
        venue = Venue(
            name=row["name"][:200],
            venue_type=vt,
            sector_id=vt.sector_id,
            unit=unit,
            street=row.get("address", "")[:255],
            default_stay_minutes=vt.default_stay_minutes,
            contact_phone=phone,
            created_by=user,
            # Imported by an official from the commune's own register: verified (docs/identity.md).
            verified=user is not None and policy.can(user, "venue.verify"),
            verified_by=user if user is not None and policy.can(user, "venue.verify") else None,
        )
        venue.natural_key = key
        results.append(result)
        pending.append((result, venue))
    existing = dict(
        Venue.objects.filter(natural_key__in=[v.natural_key for _r, v in pending]).values_list("natural_key", "code")
    )
    to_create = []
    for result, venue in pending:
        if venue.natural_key in existing:
            result.status, result.code = "exists", existing[venue.natural_key]
            result.messages.append(_("already registered"))
        else:
            to_create.append((result, venue))
    return results, to_create


def venue_import(*, user, data: bytes, filename: str, dry_run: bool = False, keep_good: bool = False) -> ImportReport:
    """Check every row; unless ``dry_run`` or any row is bad (with ``keep_good``: whatever the
    bad rows), create the new venues at once."""
    rows = read_table(data, filename)
    if not rows:
        raise ServiceError(_("The file has no rows under its header."))
    results, to_create = _check_rows(rows, user)
    report = ImportReport(rows=results, dry_run=dry_run, keep_good=keep_good)
    if dry_run or (report.errors and not keep_good) or not to_create:
        return report
    with transaction.atomic():
        codes = set()
        while len(codes) < len(to_create):
            codes.add(new_public_code())
        taken = set(Venue.objects.filter(code__in=codes).values_list("code", flat=True))
        codes = [c for c in codes if c not in taken]
        while len(codes) < len(to_create):
            c = new_public_code()
            if c not in codes and not Venue.objects.filter(code=c).exists():
                codes.append(c)
        for (result, venue), code in zip(to_create, codes, strict=False):
            venue.code = result.code = code
            venue.refresh_keys()
        Venue.objects.bulk_create([v for _r, v in to_create], batch_size=500)
    report.committed = True
    return report
