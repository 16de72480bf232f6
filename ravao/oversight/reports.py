"""The progress report of a unit and period, as XLSX or PDF, built by one function for the
page, the API and the CLI (``ravao report``) and e-mailed by ``ravao sendreports``."""

import io
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ravao.core.dates import format_date
from ravao.core.dbrouting import reading_from_replica
from ravao.core.errors import ServiceError
from ravao.core.fonts import BOLD, REGULAR, register_fonts
from ravao.core.spreadsheet import tidy
from ravao.oversight import selectors

# Indicator keys in report order, with their labels (definitions: docs/indicators.md).
LABELS = [
    ("registered", gettext_lazy("Registered scan points")),
    ("active_24h", gettext_lazy("Active in the last 24 hours")),
    ("active_7d", gettext_lazy("Active in the last 7 days")),
    ("scans", gettext_lazy("Scans")),
    ("unique_visitors", gettext_lazy("Unique visitors")),
    ("population", gettext_lazy("Population")),
    ("points_per_100_residents", gettext_lazy("Scan points per 100 residents")),
    ("targets", gettext_lazy("Target establishments")),
    ("targets_registered", gettext_lazy("Targets registered")),
    ("targets_registered_share", gettext_lazy("Share of targets registered")),
    ("targets_active", gettext_lazy("Targets active")),
    ("targets_active_share", gettext_lazy("Share of targets active")),
    ("suspended", gettext_lazy("Suspended venues")),
    ("unverified", gettext_lazy("Unverified venues")),
]
CHILD_COLUMNS = [
    "registered",
    "active_7d",
    "scans",
    "unique_visitors",
    "population",
    "points_per_100_residents",
    "targets",
    "targets_registered_share",
]


def fmt_value(key: str, value) -> str:
    """A figure as pages and reports show it: decimals in the language's format (Django's:
    0,042 · 70,1% in Vietnamese); counts grouped by thousands, with a dot in Vietnamese (1.234),
    which Django's Vietnamese format does not group."""
    if value is None:
        return "—"
    if key.endswith("_share"):
        return number_format(value * 100, 1, use_l10n=True) + "%"
    if isinstance(value, float):
        return number_format(value, 3, use_l10n=True)
    return f"{value:,}".replace(",", ".") if translation.get_language() == "vi" else f"{value:,}"


def report_data(*, user, scope: selectors.Scope) -> dict:
    doc = selectors.coverage(user=user, scope=scope, wait=True)  # a file: count every figure now
    lagging = [c for c in doc["children"] if c["indicators"]["lagging"]]
    return {**doc, "lagging": lagging}


def _title(doc) -> str:
    return _("Progress report: %(unit)s, %(first)s to %(last)s") % {
        "unit": doc["unit"]["name"],
        "first": format_date(date.fromisoformat(doc["from"])),
        "last": format_date(date.fromisoformat(doc["to"])),
    }


def _xlsx(doc) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = _("Indicators")[:31]
    ws.append([_title(doc)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Sector"), doc["sector"] or _("All sectors")])
    ws.append([])
    ws.append([_("Indicator"), _("Value")])
    for key, label in LABELS:
        ws.append([str(label), doc["indicators"][key]])
    ch = wb.create_sheet(_("Child units")[:31])
    ch.append([_("Code"), _("Unit"), *[str(label) for key, label in LABELS if key in CHILD_COLUMNS], _("Lagging")])
    red = PatternFill("solid", fgColor="FDE2E1")
    for row in doc["children"]:
        ind = row["indicators"]
        ch.append(
            [
                row["unit"]["code"],
                row["unit"]["name"],
                *[ind[key] for key, _label in LABELS if key in CHILD_COLUMNS],
                _("yes") if ind["lagging"] else "",
            ]
        )
        if ind["lagging"]:
            for cell in ch[ch.max_row]:
                cell.fill = red
    lag = wb.create_sheet(_("Lagging")[:31])
    lag.append([_("Code"), _("Unit"), _("Scan points per 100 residents"), _("Share of targets registered")])
    for row in doc["lagging"]:
        ind = row["indicators"]
        lag.append(
            [row["unit"]["code"], row["unit"]["name"], ind["points_per_100_residents"], ind["targets_registered_share"]]
        )
    tidy(ws, header_row=4)
    tidy(ch)
    tidy(lag)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pdf(doc) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    font = REGULAR
    h1 = ParagraphStyle("h1", fontName=BOLD, fontSize=14, leading=18, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ]
    )
    story = [
        Paragraph(_title(doc), h1),
        Paragraph(f"{_('Sector')}: {doc['sector'] or _('All sectors')}", body),
        Spacer(1, 4 * mm),
        Paragraph(_("Indicators"), h2),
    ]
    rows = [[_("Indicator"), _("Value")]] + [
        [str(label), fmt_value(key, doc["indicators"][key])] for key, label in LABELS
    ]
    t = Table(rows, colWidths=[90 * mm, 40 * mm])
    t.setStyle(grid)
    story += [t, Paragraph(_("Child units"), h2)]
    heads = [_("Unit")] + [Paragraph(str(label), body) for key, label in LABELS if key in CHILD_COLUMNS]
    rows = [heads]
    style = TableStyle(grid.getCommands())
    for i, row in enumerate(doc["children"], start=1):
        ind = row["indicators"]
        rows.append(
            [Paragraph(row["unit"]["name"], body), *[fmt_value(k, ind[k]) for k, _l in LABELS if k in CHILD_COLUMNS]]
        )
        if ind["lagging"]:
            style.add("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fde2e1"))
    if len(rows) > 1:
        t = Table(rows, repeatRows=1, colWidths=[40 * mm] + [17.5 * mm] * len(CHILD_COLUMNS))
        t.setStyle(style)
        story.append(t)
    else:
        story.append(Paragraph(_("No child units."), body))
    story.append(Paragraph(_("Lagging units"), h2))
    if doc["lagging"]:
        for row in doc["lagging"]:
            ind = row["indicators"]
            story.append(
                Paragraph(
                    "• "
                    + _("%(unit)s: %(points)s scan points per 100 residents, %(share)s of targets registered")
                    % {
                        "unit": row["unit"]["name"],
                        "points": fmt_value("p", ind["points_per_100_residents"]),
                        "share": fmt_value("targets_registered_share", ind["targets_registered_share"]),
                    },
                    body,
                )
            )
    else:
        story.append(Paragraph(_("No unit is lagging."), body))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_title(doc),
    ).build(story)
    return out.getvalue()


@reading_from_replica()
def report_build(*, user, scope: selectors.Scope, fmt: str = "xlsx", language: str = "vi") -> tuple[bytes, str, str]:
    """(content, content type, file name) of the progress report of ``scope``."""
    if fmt not in ("xlsx", "pdf"):
        raise ServiceError(_("The format is xlsx or pdf."))
    language = language if language in dict(settings.LANGUAGES) else "vi"
    with translation.override(language):
        doc = report_data(user=user, scope=scope)
        content = _xlsx(doc) if fmt == "xlsx" else _pdf(doc)
    code = doc["unit"]["code"] or "country"
    name = f"ravao-progress-{code}-{scope.first}-{scope.last}.{fmt}"
    ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "application/pdf"
    return content, ctype, name
