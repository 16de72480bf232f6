"""The door-to-door campaign's progress as one XLSX: per commune, per mass organisation, per
canvasser, and the register (the page's figures, from ``campaign.py``)."""

import io

from django.utils.translation import gettext as _

from ravao.core.dbrouting import reading_from_replica
from ravao.core.spreadsheet import safe_cell
from ravao.oversight import campaign
from ravao.units.models import Unit


def _sheet(wb, title: str, header: list[str], rows: list[list]):
    from openpyxl.styles import Font

    ws = wb.create_sheet(title[:31])
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.column_dimensions["A"].width = 36
    return ws


def _share(row: dict) -> float | None:
    return row["registered_share"]


@reading_from_replica()
def campaign_xlsx(*, user, unit: Unit | None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    counts = [_("Targets"), _("Not yet visited"), _("Guided"), _("Registered"), _("Active (scans seen)")]
    _sheet(
        wb,
        _("Per commune"),
        [_("Code"), _("Commune"), *counts, _("Share registered")],
        [
            [
                r["unit__code"],
                r["unit__name"],
                r["total"],
                r["not_visited"],
                r["guided"],
                r["registered"],
                r["active"],
                _share(r),
            ]
            for r in campaign.progress_by_commune(user=user, unit=unit)
        ],
    )
    _sheet(
        wb,
        _("Per organisation"),
        [_("Organisation"), _("Canvassers"), _("Visited"), *counts, _("Share registered")],
        [
            [
                r["organisation"],
                r["canvassers"],
                r["visited"],
                r["total"],
                r["not_visited"],
                r["guided"],
                r["registered"],
                r["active"],
                _share(r),
            ]
            for r in campaign.progress_by_organisation(user=user, unit=unit)
        ],
    )
    _sheet(
        wb,
        _("Per canvasser"),
        [_("Canvasser"), _("Organisation"), _("Visited"), *counts, _("Share registered")],
        [
            [
                r["assigned_to__username"] or _("(not assigned)"),
                r["organisation"],
                r["visited"],
                r["total"],
                r["not_visited"],
                r["guided"],
                r["registered"],
                r["active"],
                _share(r),
            ]
            for r in campaign.progress_by_canvasser(user=user, unit=unit)
        ],
    )
    targets = campaign.targets_in(user=user, unit=unit).order_by("unit__name", "name")[:50000]
    _sheet(
        wb,
        _("Register"),
        [_("Name"), _("Commune"), _("Type"), _("Address"), _("Status"), _("Canvasser"), _("Visited at")],
        [
            [
                t.name,
                t.unit.name,
                t.venue_type.name if t.venue_type else "",
                t.address,
                t.get_status_display(),
                t.assigned_to.username if t.assigned_to else "",
                t.visited_at.replace(tzinfo=None) if t.visited_at else None,
            ]
            for t in targets
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
