"""The progress report of a unit and period, as PDF, DOCX or XLSX, built by one function for
the page, the API and the CLI (``ravao report``) and e-mailed by ``ravao sendreports``. The
document itself (heading, sections, signature) is made in ``reportdoc.py``; this module draws
it as PDF and XLSX, ``reports_docx.py`` as DOCX."""

import io
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ravao.core.dbrouting import reading_from_replica
from ravao.core.errors import ServiceError
from ravao.core.fonts import BOLD, REGULAR, register_fonts
from ravao.core.spreadsheet import tidy
from ravao.oversight import selectors
from ravao.oversight.reportdoc import CHILD_COLUMNS, LABELS, Document, Table, build_document

__all__ = ["CHILD_COLUMNS", "LABELS", "fmt_value", "report_build"]
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _decimal(value, places: int) -> str:
    """``value`` rounded half up to ``places`` decimals, in the language's format. Django's
    number_format cuts the extra digits off (70.09 → "70,0"); rounding first gives "70,1"."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(exact, places, use_l10n=True)


def fmt_value(key: str, value) -> str:
    """A figure as pages and reports show it: decimals in the language's format, rounded (not
    cut: 0.7009 → 70,1% in Vietnamese); counts grouped by thousands, with a dot in Vietnamese
    (1.234), which Django's Vietnamese format does not group."""
    if value is None:
        return "—"
    if key.endswith("_share"):
        return _decimal(value * 100, 1) + "%"
    if isinstance(value, float):
        return _decimal(value, 3)
    return f"{value:,}".replace(",", ".") if translation.get_language() == "vi" else f"{value:,}"


def cell(table: Table, row: int, column: int) -> str:
    """A table cell as text: figures through ``fmt_value``, text as it is."""
    value = table.rows[row][column]
    key = table.key(row, column)
    if key is None:
        return "" if value is None else str(value)
    return fmt_value(key, value)


def heading_lines(doc: Document) -> tuple[list[str], list[str]]:
    """The two columns of the heading: the authority and number; the national heading and date."""
    left = [line for line in (doc.authority[0], doc.authority[1]) if line] + ([doc.number] if doc.number else [])
    right = [_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness"), doc.place_date]
    return left, right


def _xlsx(doc: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from ravao.core.spreadsheet import safe_cell

    wb = Workbook()
    first = wb.active
    red = PatternFill("solid", fgColor="FDE2E1")
    left, right = heading_lines(doc)
    for a, b in zip(left + [""] * (len(right) - len(left)), right, strict=False):
        first.append([safe_cell(a), safe_cell(b)])
    for line in (doc.title, doc.subtitle, _("To: %(recipient)s") % {"recipient": doc.recipient}, doc.intro):
        first.append([safe_cell(line)])
    first.append([])
    for n, section in enumerate(doc.sections):
        for t, table in enumerate(section.tables):
            ws = first if n == 0 and t == 0 else wb.create_sheet(table.name[:31])
            if ws is first:
                ws.title = table.name[:31]
                ws.append([section.title])
                ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.append([safe_cell(h) for h in table.header])
            for cell_ in ws[ws.max_row]:
                cell_.font = Font(bold=True)
            for i, row in enumerate(table.rows):
                ws.append([safe_cell(v) if isinstance(v, str) else v for v in row])
                if i in table.marked:
                    for cell_ in ws[ws.max_row]:
                        cell_.fill = red
            if ws is first:
                ws.column_dimensions["A"].width = 40
                ws.column_dimensions["B"].width = 32
            else:
                tidy(ws)  # widths from the contents, header frozen and filtered
    first.append([])
    for section in doc.sections:
        if section.paragraphs:
            first.append([safe_cell(section.title)])
            for p in section.paragraphs:
                first.append([safe_cell(p)])
    first.append([])
    first.append(["", safe_cell(doc.signer[0])])
    first.append(["", safe_cell(doc.signer[1])])
    first.append(["", safe_cell(doc.signer_name)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pdf(doc: Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=3)
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=7.5, leading=9.5)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER, spaceAfter=0)
    bold_centre = ParagraphStyle("bold_centre", parent=centre, fontName=BOLD)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=13, leading=17, alignment=TA_CENTER, spaceBefore=8)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=4)
    left, right = heading_lines(doc)
    esc = _escape
    head = Table(
        [
            [
                [Paragraph(esc(x), bold_centre if x == doc.authority[1] else centre) for x in left],
                [Paragraph(esc(x), bold_centre if i < 2 else centre) for i, x in enumerate(right)],
            ]
        ],
        colWidths=[75 * mm, 105 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        head,
        Paragraph(esc(doc.title), title),
        Paragraph(esc(doc.subtitle), bold_centre),
        Spacer(1, 3 * mm),
    ]
    if doc.recipient:
        story.append(Paragraph(esc(_("To: %(recipient)s") % {"recipient": doc.recipient}), centre))
    story += [Spacer(1, 3 * mm), Paragraph(esc(doc.intro), body)]
    grid = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for section in doc.sections:
        story.append(Paragraph(esc(section.title), h2))
        story += [Paragraph(esc(p), body) for p in section.paragraphs]
        for table in section.tables:
            rows = [[Paragraph(esc(h), small) for h in table.header]]
            rows += [
                [Paragraph(esc(cell(table, i, j)), small) for j in range(len(table.header))]
                for i in range(len(table.rows))
            ]
            style = TableStyle(grid)
            for i in table.marked:
                style.add("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#fde2e1"))
            t = Table(rows, repeatRows=1, colWidths=_widths(table, 180 * mm))
            t.setStyle(style)
            story.append(t)
    copies = [Paragraph(esc(_("Recipients:")), ParagraphStyle("c", parent=small, fontName=BOLD))]
    copies += [Paragraph(esc("- " + c), small) for c in doc.copies_to if c != "- "]
    sign = [Paragraph(esc(x), bold_centre) for x in doc.signer if x]
    sign += [Spacer(1, 20 * mm), Paragraph(esc(doc.signer_name), bold_centre)]
    foot = Table([[copies, sign]], colWidths=[80 * mm, 100 * mm])
    foot.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 6 * mm), foot]
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=doc.subtitle,
    ).build(story)
    return out.getvalue()


def _widths(table: Table, total: float) -> list[float]:
    """The first text columns wider; figures share the rest."""
    n = len(table.keys)
    if n == 2:
        return [total * 0.65, total * 0.35]
    code = 14 * mm if table.header[0] == _("Code") else 0
    weights = [0 if (j == 0 and code) else 2 if k is None else 1 for j, k in enumerate(table.keys)]
    base = (total - code) / sum(weights)
    return [code if (j == 0 and code) else base * w for j, w in enumerate(weights)]


mm = 72 / 25.4  # reportlab's millimetre, in points


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@reading_from_replica()
def report_build(
    *, user, scope: selectors.Scope, fmt: str = "xlsx", language: str = "vi", today=None
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the progress report of ``scope``."""
    from django.utils import timezone

    from ravao.oversight.rollup import local_day

    if fmt not in FORMATS:
        raise ServiceError(_("The format is pdf, docx or xlsx."))
    language = language if language in dict(settings.LANGUAGES) else "vi"
    with translation.override(language):
        doc = build_document(user=user, scope=scope, today=today or local_day(timezone.now()))
        if fmt == "docx":
            from ravao.oversight.reports_docx import docx

            content = docx(doc)
        else:
            content = _xlsx(doc) if fmt == "xlsx" else _pdf(doc)
    code = (scope.unit.code if scope.unit else "") or "country"
    sector = f"-{scope.sector.code}" if scope.sector else ""
    name = f"ravao-progress-{code}{sector}-{scope.first}-{scope.last}.{fmt}"
    return content, FORMATS[fmt], name
