"""The progress report as a Word document (DOCX, python-docx), the form offices edit, number
and sign: the same ``reportdoc.Document`` as the PDF, in Times New Roman as Decree
30/2020/NĐ-CP asks of administrative documents."""

import io

from django.utils.translation import gettext as _

from ravao.oversight.reportdoc import Document
from ravao.oversight.reports import cell, heading_lines

FONT = "Times New Roman"


def docx(doc: Document) -> bytes:
    from docx import Document as Word
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    word = Word()
    style = word.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    page = word.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin, page.right_margin, page.top_margin, page.bottom_margin = Mm(30), Mm(15), Mm(20), Mm(20)

    def line(container, text, *, bold=False, italic=False, size=13, centre=True):
        p = container.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.space_after = Pt(0 if centre else 4)
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        return p

    left, right = heading_lines(doc)
    head = word.add_table(rows=1, cols=2)
    a, b = head.rows[0].cells
    a.width, b.width = Mm(70), Mm(95)
    for x in left:
        line(a, x, bold=x == doc.authority[1], size=12)
    for i, x in enumerate(right):
        line(b, x, bold=i < 2, italic=i == 2, size=12 if i == 0 else 13)
    for c in (a, b):
        c.paragraphs[0]._element.getparent().remove(c.paragraphs[0]._element)  # the cell's empty first line
    line(word, doc.title, bold=True, size=14).paragraph_format.space_before = Pt(12)
    line(word, doc.subtitle, bold=True)
    if doc.recipient:
        line(word, _("To: %(recipient)s") % {"recipient": doc.recipient}).paragraph_format.space_before = Pt(8)
    line(word, doc.intro, centre=False).paragraph_format.space_before = Pt(8)
    for section in doc.sections:
        line(word, section.title, bold=True, centre=False).paragraph_format.space_before = Pt(6)
        for text in section.paragraphs:
            line(word, text, centre=False)
        for table in section.tables:
            grid = word.add_table(rows=1 + len(table.rows), cols=len(table.header))
            grid.style = "Table Grid"
            for j, h in enumerate(table.header):
                run = grid.rows[0].cells[j].paragraphs[0].add_run(h)
                run.bold, run.font.size = True, Pt(9)
            for i in range(len(table.rows)):
                for j in range(len(table.header)):
                    target = grid.rows[i + 1].cells[j]
                    run = target.paragraphs[0].add_run(cell(table, i, j))
                    run.font.size = Pt(9)
                    if i in table.marked:
                        run.font.color.rgb = RGBColor(0xB4, 0x23, 0x18)
                        shade = OxmlElement("w:shd")
                        shade.set(qn("w:val"), "clear")
                        shade.set(qn("w:fill"), "FDE2E1")
                        target._tc.get_or_add_tcPr().append(shade)
    foot = word.add_table(rows=1, cols=2)
    a, b = foot.rows[0].cells
    p = a.paragraphs[0]
    run = p.add_run(_("Recipients:"))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for c in doc.copies_to:
        line(a, "- " + c, size=11, centre=False)
    first = True
    for x in [*[s for s in doc.signer if s], "", "", "", doc.signer_name]:
        if first:
            b.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            b.paragraphs[0].add_run(x).bold = True
            first = False
        else:
            line(b, x, bold=True)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
