"""The printable wallet card (PDF) with a person's personal QR, for relatives without phones.

An A4 page with the card twice side by side (front: QR, masked name, birth year; back: how to
use it), to cut out and fold; Vietnamese text set in DejaVu Sans (ravao/core/fonts.py).
"""

import io

import segno
from django.core import signing
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ravao.core.fonts import BOLD, REGULAR, register_fonts

CARD_W, CARD_H = 85.6 * mm, 54 * mm
CARD_SALT = "ravao.people.card-print"
CARD_PRINT_SECONDS = 3600


def card_token(person, *, user) -> str:
    """A link for the gate staff member who has just enrolled a person to print their wallet
    card: only for that account, for an hour, and dead once the personal QR is replaced. It
    opens the card only (not the person's page)."""
    return signing.TimestampSigner(salt=CARD_SALT).sign_object([person.pk, person.qr_version, user.pk])


def person_for_card_token(token: str, *, user):
    """The person whose card a print link opens for ``user``, or None (expired, altered, another
    account's link, or the QR was replaced)."""
    from ravao.people.models import Person

    try:
        person_id, version, user_id = signing.TimestampSigner(salt=CARD_SALT).unsign_object(
            token, max_age=CARD_PRINT_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if user is None or not user.is_authenticated or user.pk != user_id:
        return None
    return Person.objects.filter(pk=person_id, qr_version=version).first()


def _draw_qr(c: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    cell = size / n
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x + col * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def wallet_card_pdf(*, qr_text: str, masked_name: str, birth_year: int | None) -> bytes:
    register_fonts()
    regular, bold = REGULAR, BOLD
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(_("Ravao personal QR card"))
    page_w, page_h = A4
    left = (page_w - 2 * CARD_W) / 2
    top = page_h - 30 * mm - CARD_H
    c.setFont(regular, 9)
    c.drawString(left, page_h - 20 * mm, _("Cut along the border and fold in the middle. Keep the card with you."))
    c.setDash(3, 3)
    c.rect(left, top, 2 * CARD_W, CARD_H)
    c.line(left + CARD_W, top, left + CARD_W, top + CARD_H)
    c.setDash()
    # Front: the QR and who it is (masked).
    qr_size = CARD_H - 10 * mm
    _draw_qr(c, qr_text, left + 4 * mm, top + 5 * mm, qr_size)
    tx = left + 8 * mm + qr_size
    c.setFont(bold, 12)
    c.drawString(tx, top + CARD_H - 12 * mm, "Ravao")
    c.setFont(regular, 7.5)
    c.drawString(tx, top + CARD_H - 17 * mm, _("Personal QR"))
    c.setFont(bold, 11)
    c.drawString(tx, top + CARD_H - 27 * mm, masked_name[:18])
    c.setFont(regular, 10)
    if birth_year:
        c.drawString(tx, top + CARD_H - 33 * mm, str(birth_year))
    # Back: instructions.
    c.setFont(bold, 10)
    bx = left + CARD_W + 5 * mm
    c.drawString(bx, top + CARD_H - 10 * mm, _("How to use this card"))
    c.setFont(regular, 7.5)
    lines = [
        _("Show this card at the entrance:"),
        _("the staff scan it to check you in."),
        _("It holds no personal data in clear."),
        _("Lost it? Print a new card: the old"),
        _("one stops working at once."),
    ]
    for i, line in enumerate(lines):
        c.drawString(bx, top + CARD_H - (17 + 5 * i) * mm, line)
    c.showPage()
    c.save()
    return buf.getvalue()
