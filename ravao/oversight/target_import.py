"""Import of the door-to-door register from the spreadsheets communes keep (CSV or XLSX).

Columns (header row, any order, English or Vietnamese, accents optional): commune (code or
name), name, venue_type (a code, the Vietnamese or English name or a common synonym:
``catalog.lookup``), address, phone, notes, canvasser (a user name). Every row is checked and
every problem listed; by default nothing is written unless every row is good, and with
``keep_good`` the good rows are imported and the bad ones returned as a spreadsheet to fix
(``rejects_xlsx``). A row already in the register (same commune, name and address, accents and
case aside) is skipped, so importing the same file twice adds nothing.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.catalog.lookup import TypeLookup, fold_label
from ravao.core.errors import ServiceError
from ravao.core.spreadsheet import rejects_workbook
from ravao.oversight.models import TargetEstablishment
from ravao.oversight.services import _canvasser, _check_type, target_create
from ravao.units.models import Unit
from ravao.units.selectors import unit_candidates
from ravao.venues.models import natural_key_of

IMPORT_COLUMNS = ["commune", "name", "venue_type", "address", "phone", "notes", "canvasser"]
MAX_IMPORT_ROWS = 20000
# Header names people write, folded (accent-free, lower case).
HEADERS = {
    "commune": {"commune", "ward", "unit", "xa", "phuong", "xa phuong", "ma xa", "don vi"},
    "name": {"name", "ten", "ten co so", "ten dia diem"},
    "venue_type": {"venue type", "venue_type", "type", "loai", "loai hinh", "loai co so", "loai dia diem"},
    "address": {"address", "dia chi"},
    "phone": {"phone", "dien thoai", "so dien thoai", "sdt"},
    "notes": {"notes", "ghi chu"},
    "canvasser": {"canvasser", "nguoi phu trach", "can bo", "tuyen truyen vien", "nguoi van dong"},
}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0  # already in the register (same commune, name and address): re-imports add nothing
    errors: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[tuple[int, dict, str]] = field(default_factory=list)  # (row, its cells, problem)
    dry_run: bool = True
    keep_good: bool = False

    @property
    def good(self) -> int:
        return self.rows - len(self.errors)

    def rejects_xlsx(self) -> bytes:
        """The rows in error, with their problem: the file to fix and import again."""
        return rejects_workbook(
            header=IMPORT_COLUMNS,
            rows=[[cells.get(c, "") for c in IMPORT_COLUMNS] + [problem] for _n, cells, problem in self.rejected],
            problem=_("Problem"),
            title=_("Rows to fix"),
        )


def _read_rows(*, content: bytes, filename: str) -> list[dict]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ServiceError(_("The file is not a readable XLSX workbook.")) from exc
        values = [["" if c is None else str(c).strip() for c in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(_("CSV files must be encoded in UTF-8.")) from exc
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count)  # Excel in Vietnamese locales saves with ";"
        values = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    values = [row for row in values if any(row)]
    if not values:
        raise ServiceError(_("The file is empty."))
    header = []
    for cell in values[0]:
        key = fold_label(cell)
        header.append(next((c for c, names in HEADERS.items() if key in names or key == c), key))
    if "name" not in header or "commune" not in header:
        raise ServiceError(_("The first row must name the columns, at least “commune” and “name”."))
    if len(values) - 1 > MAX_IMPORT_ROWS:
        raise ServiceError(_("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in values[1:]]


class _Communes:
    """Communes named by code or name (accents optional), within the importer's area."""

    def __init__(self, user):
        self.units = Unit.objects.restrict(user).filter(
            generation=settings.RAVAO_UNIT_GENERATION, children__isnull=True
        )
        self.cache: dict[str, Unit] = {}

    def get(self, text: str) -> Unit:
        text = (text or "").strip()
        if text not in self.cache:
            if not text:
                raise ServiceError(_("The commune is empty."))
            found = unit_candidates(text, units=self.units, limit=2)
            if not found:
                raise ServiceError(
                    _("No commune or ward “%(unit)s” in your area (use its name or code).") % {"unit": text}
                )
            if len(found) > 1:
                raise ServiceError(_("Several communes or wards are called “%(unit)s”: use the code.") % {"unit": text})
            self.cache[text] = found[0]
        return self.cache[text]


def target_import(
    *, user, content: bytes, filename: str, dry_run: bool = True, keep_good: bool = False
) -> ImportResult:
    """Check every row of a register and import it (see the module's docstring)."""
    policy.require(user, "campaign.manage")
    rows = _read_rows(content=content, filename=filename)
    result = ImportResult(rows=len(rows), dry_run=dry_run, keep_good=keep_good)
    types = TypeLookup()
    communes = _Communes(user)
    canvassers: dict[str, User | None] = {}
    prepared, seen = [], {}
    for number, row in enumerate(rows, start=2):
        problems = []
        unit = vt = who = None
        try:
            unit = communes.get(row.get("commune", ""))
        except ServiceError as exc:
            problems.append(exc.message)
        if row.get("venue_type"):
            vt = types.find(row["venue_type"])
            if vt is None:
                problems.append(_("Unknown venue type “%(code)s”.") % {"code": row["venue_type"]})
        try:
            _check_type(user=user, venue_type=vt)
        except ServiceError as exc:
            problems.append(exc.message)
        if not row.get("name"):
            problems.append(_("The name is required."))
        name = row.get("canvasser", "")
        try:
            if name not in canvassers:
                canvassers[name] = _canvasser(user=user, username=name)
            who = canvassers[name]
        except ServiceError as exc:
            problems.append(exc.message)
        if not problems:
            key = natural_key_of(unit.pk, row["name"], row.get("address", ""))
            if key in seen:
                problems.append(_("The same establishment as row %(line)s.") % {"line": seen[key]})
            seen.setdefault(key, number)
        if problems:
            message = " ".join(problems)
            result.errors.append((number, message))
            result.rejected.append((number, row, message))
        else:
            prepared.append((row, unit, vt, who))
    if dry_run or (result.errors and not keep_good):
        return result
    known = {
        natural_key_of(t.unit_id, t.name, t.address)
        for t in TargetEstablishment.objects.filter(unit__in={u for _, u, _, _ in prepared}).only(
            "unit_id", "name", "address"
        )
    }
    with transaction.atomic():
        for row, unit, vt, who in prepared:
            key = natural_key_of(unit.pk, row["name"], row.get("address", ""))
            if key in known:
                result.skipped += 1
                continue
            known.add(key)
            target_create(
                user=user,
                unit=unit,
                name=row["name"],
                venue_type=vt,
                address=row.get("address", ""),
                phone=row.get("phone", ""),
                notes=row.get("notes", ""),
                assigned_to=who,
                source=filename[-32:],
            )
            result.created += 1
    return result
