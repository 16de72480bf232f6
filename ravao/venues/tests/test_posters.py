import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from ravao.codes.signing import CodeRevoked
from ravao.venues import posters
from ravao.venues.models import Entrance
from ravao.venues.services import poster_revoke
from ravao.venues.testing import make_venue
from ravao.venues.tokens import verify_venue_token

from .posters_helpers import decode_image, decode_pdf, pdf_pages_png, qr_width_px

NAME = "Chợ Đông Ba — Quầy Bánh Bèo Nậm Lọc Bà Đỏ"


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name=NAME, type_code="market", street="2 Trần Hưng Đạo")


def _assert_names(url: str, venue, entrance=None):
    found = verify_venue_token(url)
    assert found.venue == venue
    assert found.entrance_id == (entrance.pk if entrance else None)


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_it_prints_a_pdf_poster_that_scans_to_the_venue(venue, size):
    pdf, ctype, filename = posters.render(venue, fmt="pdf", size=size)
    assert ctype == "application/pdf" and filename == f"ravao-{venue.code}-{size.lower()}.pdf"
    (url,) = decode_pdf(pdf)
    _assert_names(url, venue)
    assert "/v/V1." in url


def test_the_pure_python_qr_encoder_prints_scannable_posters_too(venue, monkeypatch):
    monkeypatch.setattr(posters, "QR_ENGINE", "segno")
    (url,) = decode_pdf(posters.render(venue, fmt="pdf", size="A5")[0])
    _assert_names(url, venue)
    assert posters.qr_matrix(url) == posters._matrix_segno(url)


def test_the_fast_encoder_makes_no_larger_a_symbol_than_segno(venue):
    url = posters.venue_qr_url(venue=venue)
    assert 41 <= len(posters._matrix_zxing(url)) <= len(posters._matrix_segno(url))


def test_the_a4_qr_is_at_least_15_cm_wide_on_paper(venue):
    assert posters.poster_layout(venue, size="A4").qr_mm >= 150
    (png,) = pdf_pages_png(posters.render(venue, fmt="pdf", size="A4")[0], dpi=72)
    (found,) = decode_image(png)
    width_mm = qr_width_px(found) / 72 * 25.4  # zxing's corners are the symbol's outer corners
    assert 150 <= width_mm <= 170, width_mm


def test_it_prints_png_and_svg_posters(venue, chromium):
    png, ctype, _ = posters.render(venue, fmt="png")
    assert ctype == "image/png"
    (found,) = decode_image(png)
    _assert_names(found.text, venue)
    svg, ctype, _ = posters.render(venue, fmt="svg", size="A5")
    assert ctype == "image/svg+xml" and "Chợ Đông Ba".encode() in svg
    # Rasterise the SVG with a real renderer (chromium), then decode.
    context = chromium.new_context(viewport={"width": 700, "height": 990})
    try:
        page = context.new_page()
        page.set_content(f'<html><body style="margin:0">{svg.decode().split("?>", 1)[1]}</body></html>')
        page.locator("svg").first.evaluate("e => { e.setAttribute('width', '700'); e.setAttribute('height', '990'); }")
        shot = page.screenshot()
    finally:
        context.close()
    (found,) = decode_image(shot)
    _assert_names(found.text, venue)


def test_an_entrance_poster_names_its_entrance(venue):
    gate = Entrance.objects.create(venue=venue, name="Cổng phía sông")
    pdf, _, filename = posters.render(venue, gate, fmt="pdf")
    assert filename == f"ravao-{venue.code}-{gate.pk}-a4.pdf"
    (url,) = decode_pdf(pdf)
    _assert_names(url, venue, gate)
    assert "Cổng phía sông" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_pdf_text_keeps_the_vietnamese_diacritics(venue):
    pdf = posters.render(venue, fmt="pdf")[0]
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert NAME in text
    assert "QUÉT MÃ QR KHI VÀO VÀ RA" in text and "Scan the QR code" in text
    assert " ".join(venue.code) in text
    assert "Chợ, chợ" not in text  # the type line is the catalogue's own wording
    assert b"DejaVuSans" in pdf  # the font is embedded, not assumed


def test_a_revoked_poster_is_refused_and_the_reissued_one_accepted(venue):
    (old,) = decode_pdf(posters.render(venue)[0])
    poster_revoke(venue=venue)
    with pytest.raises(CodeRevoked):
        verify_venue_token(old)
    (new,) = decode_pdf(posters.render(venue)[0])
    _assert_names(new, venue)


def test_the_bulk_pdf_has_one_scannable_page_per_venue(small_map, tmp_path):
    venues = [make_venue(small_map.commune_a, name=f"Cửa hàng số {i}", street=f"{i} Lê Lợi") for i in range(4)]
    make_venue(small_map.commune_b, name="Ở xã khác")
    out = tmp_path / "bulk.pdf"
    call_command("posters", "--unit", small_map.commune_a.code, "--out", str(out))
    urls = decode_pdf(out.read_bytes())
    assert len(urls) == 4
    assert sorted(verify_venue_token(u).venue.pk for u in urls) == sorted(v.pk for v in venues)
    # The whole province includes both communes.
    call_command("posters", "--unit", small_map.province.code, "--out", str(out), "--size", "A5")
    assert len(PdfReader(str(out)).pages) == 5
