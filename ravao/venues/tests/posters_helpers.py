"""Decode posters the way a phone would: rasterise (PDFium through pypdfium2 / chromium), read
with zxing-cpp. pypdfium2 is a PyPI wheel with PDFium inside: no system package to install."""

import io

import pypdfium2
import zxingcpp
from PIL import Image


def decode_image(data: bytes) -> list:
    image = Image.open(io.BytesIO(data)).convert("L")
    return [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_pages_png(pdf: bytes, dpi: int = 60) -> list[bytes]:
    """Each page of ``pdf`` as a PNG at ``dpi`` (PDF units are 1/72 inch)."""
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG")
            pages.append(out.getvalue())
            page.close()
    finally:
        document.close()
    return pages


def decode_pdf(pdf: bytes, dpi: int = 60) -> list[str]:
    """The text of the one QR code on each page, in page order."""
    texts = []
    for png in pdf_pages_png(pdf, dpi):
        found = decode_image(png)
        assert len(found) == 1, f"expected one QR per page, found {len(found)}"
        texts.append(found[0].text)
    return texts


def qr_width_px(result) -> float:
    p = result.position
    return ((p.top_right.x - p.top_left.x) ** 2 + (p.top_right.y - p.top_left.y) ** 2) ** 0.5
