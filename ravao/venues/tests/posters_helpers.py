"""Decode posters the way a phone would: rasterise (pdftoppm / chromium), read with zxing-cpp."""

import io
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def decode_image(data: bytes) -> list:
    image = Image.open(io.BytesIO(data)).convert("L")
    return [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_pages_png(pdf: bytes, dpi: int = 60) -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "page")], check=True)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("page-*.png"))]


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
