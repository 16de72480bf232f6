"""The one font loader (ravao/core/fonts.py): every PDF embeds the same DejaVu Sans."""

import io

from pypdf import PdfReader

from ravao.core.fonts import BOLD, REGULAR, register_fonts


def fonts_in(pdf: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return found


def test_it_registers_both_faces_once_and_cards_embed_them():
    from reportlab.pdfbase import pdfmetrics

    from ravao.people.cards import wallet_card_pdf

    assert (register_fonts() / f"{REGULAR}.ttf").exists() and register_fonts() is register_fonts()
    assert {REGULAR, BOLD} <= set(pdfmetrics.getRegisteredFontNames())
    card = wallet_card_pdf(qr_text="RV1.test", masked_name="N. V. Ánh", birth_year=1990)
    assert {REGULAR, BOLD} <= fonts_in(card)
