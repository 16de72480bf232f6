"""Printable posters: one layout, three back ends (PDF via reportlab, PNG via Pillow, SVG text).

``poster_layout`` places everything in millimetres on the page (top-left origin); the back ends
only draw what it says, so the web page, the API and ``ravao posters`` print the same poster.
The QR is drawn as vector rectangles (sharp at any size, small files), at least 15 cm on A4.
Fonts: DejaVu Sans through ravao/core/fonts.py, embedded in the PDF.
"""

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import segno
from reportlab import rl_config
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as pdf_canvas

from ravao.codes.signing import venue_qr_url
from ravao.core.baseurl import base_host
from ravao.core.dates import format_datetime
from ravao.core.fonts import BOLD, REGULAR, register_fonts

PT = 25.4 / 72  # millimetres per point
SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
FORMATS = ("pdf", "png", "svg")
FONTS = {"regular": REGULAR, "bold": BOLD}
INK, BAND, MUTED = "#111111", "#0b3d6b", "#444444"


# --- the QR matrix ---------------------------------------------------------------------------

_DARK = bytes.maketrans(bytes(range(256)), b"\x01" + b"\x00" * 255)  # zxing: 0 = dark module


def _matrix_zxing(text: str):
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    view = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))
    n, raw = view.shape[0], view.tobytes().translate(_DARK)
    return [raw[r * n : (r + 1) * n] for r in range(n)]


def _matrix_segno(text: str):
    return segno.make(text, error="m", micro=False).matrix


def qr_matrix(text: str):
    """Rows of modules (truthy = dark), no quiet zone, error correction M.

    zxing-cpp's C++ encoder when installed (about 10x faster: it decides a bulk print's speed,
    see docs/performance.md), else segno (pure Python). Both are standard QR codes."""
    if QR_ENGINE == "zxing":
        try:
            return _matrix_zxing(text)
        except (ImportError, AttributeError):  # not installed, or too old to write QR codes
            pass
    return _matrix_segno(text)


QR_ENGINE = "zxing"


# --- layout -------------------------------------------------------------------------------------


@dataclass
class Layout:
    width: float  # mm
    height: float
    ops: list = field(default_factory=list)
    qr_mm: float = 0.0


def poster_text(venue, entrance=None) -> dict:
    """The words on a poster: always Vietnamese first, English below (read by visitors)."""
    host = base_host()
    unit = venue.unit
    address = ", ".join(x for x in (venue.street, unit.name, unit.parent.name if unit.parent_id else "") if x)
    extra = []
    if venue.venue_type.kind == "vehicle":
        extra.append(" · ".join(x for x in (venue.plate, venue.operator, venue.route) if x))
    if venue.venue_type.kind == "event" and venue.starts_at and venue.ends_at:
        from django.utils import translation

        with translation.override("vi"):  # the poster's own language (its header is Vietnamese first)
            extra.append(f"{format_datetime(venue.starts_at)} – {format_datetime(venue.ends_at)}")
    return {
        "header_vi": "QUÉT MÃ QR KHI VÀO VÀ RA",
        "header_en": "Scan the QR code when you enter and leave",
        "name": venue.name,
        "entrance": f"Lối vào / Entrance: {entrance.name}" if entrance is not None else "",
        "type": f"{venue.venue_type.name_vi} · {venue.venue_type.name_en}",
        "address": address,
        "extra": " · ".join(x for x in extra if x),
        "code": venue.code,
        "code_label": "Mã địa điểm / Venue code",
        "help_vi": (
            "1. Mở camera điện thoại, quét mã QR.  2. Khai báo y tế, bấm Xác nhận và xuất trình màn hình"
            f" xác nhận.  Không quét được? Vào {host} và nhập mã {venue.code}."
        ),
        "help_en": (
            "1. Open your phone camera and scan the QR code.  2. Fill in the health declaration, confirm"
            f" and show the confirmation screen.  Cannot scan? Go to {host} and type the code {venue.code}."
        ),
    }


def _lines(text: str, font: str, size: float, width_mm: float, max_lines: int) -> list[str]:
    lines = simpleSplit(text, FONTS[font], size, width_mm / PT) if text else []
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.") + "…"
    return lines


def _fit(
    text: str, font: str, size: float, width_mm: float, max_lines: int, min_size: float
) -> tuple[list[str], float]:
    """Shrink the font until ``text`` fits in ``max_lines`` lines (then cut with an ellipsis)."""
    while size > min_size and len(simpleSplit(text, FONTS[font], size, width_mm / PT)) > max_lines:
        size -= 1
    return _lines(text, font, size, width_mm, max_lines), size


def poster_layout(venue, entrance=None, *, size: str = "A4", url: str | None = None) -> Layout:
    register_fonts()
    page_w, page_h = SIZES[size]
    k = page_w / 210.0  # everything scales with the page (A5 = A4 / sqrt 2)
    t = poster_text(venue, entrance)
    layout = Layout(page_w, page_h)
    ops = layout.ops
    margin = 10 * k
    inner = page_w - 2 * margin
    cx = page_w / 2

    def text_block(lines, font, size_pt, y, color=INK, leading=1.2):
        for line in lines:
            y += size_pt * PT
            ops.append(("text", cx, y, line, font, size_pt, color))
            y += size_pt * PT * (leading - 1)
        return y

    # Header band.
    band_h = 22 * k
    ops.append(("rect", 0, 0, page_w, band_h, BAND))
    ops.append(("text", cx, 11 * k, t["header_vi"], "bold", 20 * k, "#ffffff"))
    ops.append(("text", cx, 18 * k, t["header_en"], "regular", 11 * k, "#ffffff"))
    y = band_h + 3 * k
    name_lines, name_size = _fit(t["name"], "bold", 24 * k, inner, 2, 14 * k)
    y = text_block(name_lines, "bold", name_size, y)
    small = 10.5 * k
    for key in ("entrance", "type", "extra"):
        if t[key]:
            y = text_block(_lines(t[key], "regular", small, inner, 1), "regular", small, y + 1 * k, MUTED)
    y = text_block(_lines(t["address"], "regular", small, inner, 2), "regular", small, y + 1 * k, MUTED)

    # Bottom block, measured first so that the QR takes whatever is left.
    code_size, help_vi, help_en = 26 * k, 10 * k, 8.5 * k
    vi_lines = _lines(t["help_vi"], "regular", help_vi, inner, 4)
    en_lines = _lines(t["help_en"], "regular", help_en, inner, 4)
    bottom_h = (
        (8 * k + code_size * PT * 1.25 + 2 * k)
        + len(vi_lines) * help_vi * PT * 1.25
        + 2 * k
        + len(en_lines) * help_en * PT * 1.25
        + 6 * k
    )
    available = page_h - bottom_h - y
    matrix = qr_matrix(url or venue_qr_url(venue=venue, entrance=entrance))
    n = len(matrix)
    # Keep a quiet zone of two modules above and below (the page margins give more at the sides).
    qr_mm = min(available * n / (n + 4), 165 * k, inner)
    quiet = 2 * qr_mm / n
    ops.append(("qr", cx - qr_mm / 2, y + quiet, qr_mm, matrix))
    layout.qr_mm = qr_mm
    y += qr_mm + 2 * quiet

    y = text_block([t["code_label"]], "regular", 8 * k, y, MUTED)
    y = text_block([" ".join(t["code"])], "bold", code_size, y + 1 * k, INK, leading=1.25)
    y = text_block(vi_lines, "regular", help_vi, y + 2 * k, INK, leading=1.25)
    text_block(en_lines, "regular", help_en, y + 2 * k, MUTED, leading=1.25)
    return layout


def _runs(matrix):
    """Dark modules merged into horizontal runs: (row, first column, length)."""
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


def _hex(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


# --- back ends ----------------------------------------------------------------------------------


def _draw_pdf(c, layout: Layout) -> None:
    h = layout.height
    mm = 1 / PT  # points per mm
    for op in layout.ops:
        if op[0] == "rect":
            _, x, y, w, hh, color = op
            c.setFillColorRGB(*(v / 255 for v in _hex(color)))
            c.rect(x * mm, (h - y - hh) * mm, w * mm, hh * mm, stroke=0, fill=1)
        elif op[0] == "text":
            _, x, y, text, font, size, color = op
            c.setFillColorRGB(*(v / 255 for v in _hex(color)))
            c.setFont(FONTS[font], size)
            c.drawCentredString(x * mm, (h - y) * mm, text)
        elif op[0] == "qr":
            _, x, y, size, matrix = op
            cell = size / len(matrix) * mm
            # Module coordinates (y down) mapped onto the page by one transform, and the runs
            # written as literal integer "re" operators: ~600 rectangles a page, formatted fast.
            c.saveState()
            c.setFillColorRGB(0, 0, 0)
            c.transform(cell, 0, 0, -cell, x * mm, (h - y) * mm)
            c.addLiteral("\n".join(f"{col} {r} {n} 1 re" for r, col, n in _runs(matrix)) + "\nf")
            c.restoreState()


def render_pdf(pages, *, size: str = "A4") -> bytes:
    """A PDF with one page per (venue, entrance) in ``pages`` (entrance may be None)."""
    register_fonts()
    out = io.BytesIO()
    w, h = SIZES[size]
    c = pdf_canvas.Canvas(out, pagesize=(w / PT, h / PT), pageCompression=1)
    c.setTitle("Ravao posters")
    c.setCreator("Ravao")
    for venue, entrance in pages:
        _draw_pdf(c, poster_layout(venue, entrance, size=size))
        c.showPage()
    # Binary (not ASCII85) streams: smaller files and, without reportlab's C accelerators,
    # half the time of a bulk print. Restored at once: other apps' PDFs are not affected.
    previous, rl_config.useA85 = rl_config.useA85, 0
    try:
        c.save()
    finally:
        rl_config.useA85 = previous
    return out.getvalue()


def render_png(venue, entrance=None, *, size: str = "A4", dpi: int = 150) -> bytes:
    from PIL import Image, ImageDraw, ImageFont  # Pillow comes with reportlab

    layout = poster_layout(venue, entrance, size=size)
    px = dpi / 25.4
    image = Image.new("RGB", (round(layout.width * px), round(layout.height * px)), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict = {}
    directory = register_fonts()
    for op in layout.ops:
        if op[0] == "rect":
            _, x, y, w, h, color = op
            draw.rectangle([x * px, y * px, (x + w) * px, (y + h) * px], fill=color)
        elif op[0] == "text":
            _, x, y, text, font, size_pt, color = op
            key = (font, round(size_pt * PT * px))
            if key not in fonts:
                fonts[key] = ImageFont.truetype(str(directory / f"{FONTS[font]}.ttf"), key[1])
            draw.text((x * px, y * px), text, font=fonts[key], fill=color, anchor="ms")
        elif op[0] == "qr":
            _, x, y, size_mm, matrix = op
            cell = size_mm / len(matrix) * px
            for r, col, n in _runs(matrix):
                x0, y0 = x * px + col * cell, y * px + r * cell
                draw.rectangle([round(x0), round(y0), round(x0 + n * cell) - 1, round(y0 + cell) - 1], fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def render_svg(venue, entrance=None, *, size: str = "A4") -> str:
    layout = poster_layout(venue, entrance, size=size)
    w, h = layout.width, layout.height
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>',
    ]
    for op in layout.ops:
        if op[0] == "rect":
            _, x, y, rw, rh, color = op
            parts.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{rw:.2f}" height="{rh:.2f}" fill="{color}"/>')
        elif op[0] == "text":
            _, x, y, text, font, size_pt, color = op
            weight = ' font-weight="bold"' if font == "bold" else ""
            parts.append(
                f'<text x="{x:.2f}" y="{y:.2f}" font-family="DejaVu Sans, Verdana, sans-serif" '
                f'font-size="{size_pt * PT:.2f}"'
                f'{weight} fill="{color}" text-anchor="middle">{escape(text)}</text>'
            )
        elif op[0] == "qr":
            _, x, y, size_mm, matrix = op
            n = len(matrix)
            d = "".join(f"M{c} {r}h{k}v1h-{k}z" for r, c, k in _runs(matrix))
            parts.append(
                f'<svg x="{x:.2f}" y="{y:.2f}" width="{size_mm:.2f}" height="{size_mm:.2f}" viewBox="0 0 {n} {n}"'
                f' shape-rendering="crispEdges"><path d="{d}" fill="#000000"/></svg>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def render(venue, entrance=None, *, fmt: str = "pdf", size: str = "A4") -> tuple[bytes, str, str]:
    """One poster as (content, content type, file name): what the page, API and CLI serve."""
    if size not in SIZES:
        size = "A4"
    stem = f"ravao-{venue.code}" + (f"-{entrance.pk}" if entrance is not None else "") + f"-{size.lower()}"
    if fmt == "png":
        return render_png(venue, entrance, size=size), "image/png", f"{stem}.png"
    if fmt == "svg":
        return render_svg(venue, entrance, size=size).encode(), "image/svg+xml", f"{stem}.svg"
    return render_pdf([(venue, entrance)], size=size), "application/pdf", f"{stem}.pdf"


def bulk_pages(venues, *, entrances: bool = False):
    """(venue, entrance) pages for a bulk PDF: one per venue (and per entrance if asked)."""
    for venue in venues:
        yield venue, None
        if entrances:
            for entrance in venue.entrances.all():
                yield venue, entrance


def render_bulk(venues, *, size: str = "A4", entrances: bool = False) -> bytes:
    qs = venues.select_related("venue_type", "unit", "unit__parent") if hasattr(venues, "select_related") else venues
    if entrances and hasattr(qs, "prefetch_related"):
        qs = qs.prefetch_related("entrances")
    return render_pdf(bulk_pages(qs, entrances=entrances), size=size)
