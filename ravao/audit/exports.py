"""The audit log as a spreadsheet (XLSX or CSV): the entries the reader may review, filtered as
on the page, in the reader's language (``labels``). The export is itself an audit entry."""

import csv
import io
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.audit.labels import object_label, purpose_label
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.core.spreadsheet import XlsxSheet, csv_value, xlsx_workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WIDTHS = [17, 16, 12, 34, 34, 8, 16, 24]
SPOOL_BYTES = 8 * 1024 * 1024


def headers() -> list[str]:
    return [_("When"), _("User"), _("Action"), _("What"), _("Purpose"), _("Case"), _("From"), _("Area")]


def row(entry) -> list:
    return [
        entry.at,
        entry.username,
        entry.get_action_display(),
        object_label(entry.object_type, entry.object_id),
        purpose_label(entry.purpose),
        entry.case_id,
        entry.ip,
        entry.unit.name if entry.unit_id else "",
    ]


def export_audit(*, user, entries, fmt: str, filters: dict, request=None):
    """(an open binary file at its start, content type, file name) for ``entries`` (a queryset
    from ``selectors.audit_list``), after recording the export in the log."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")  # so that spreadsheet programs read the Vietnamese text as UTF-8
        writer = csv.writer(text)
        writer.writerow(headers())
        for entry in entries.iterator(chunk_size=2000):
            writer.writerow([csv_value(v) for v in row(entry)])
            count += 1
        text.flush()
        text.detach()
    else:
        fmt = "xlsx"
        wb = xlsx_workbook()
        sheet = XlsxSheet(wb, _("Audit log"), headers(), WIDTHS)
        for entry in entries.iterator(chunk_size=2000):
            sheet.append(row(entry))
            count += 1
        sheet.close()
        wb.save(out)
    audit_record(
        user=user,
        action=Action.EXPORT,
        object_type="audit_log",
        purpose="audit log export",
        unit=getattr(user, "unit", None),
        request=request,
        detail={"format": fmt, "rows": count, "filters": filters},
    )
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return out, FORMATS[fmt], f"ravao-audit-{stamp}.{fmt}"
