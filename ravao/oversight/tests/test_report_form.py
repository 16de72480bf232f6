"""The progress report in administrative form, read back from the PDF (pypdf) and the DOCX
(python-docx): national heading, number and symbol, "Kính gửi", Vietnamese date, the table per
sector, the lagging units with who answers for them, the signature block; a ward's report
lists its venues and says truthfully that the ward itself lags; other apps add sections."""

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from docx import Document as Word
from openpyxl import load_workbook
from pypdf import PdfReader

from ravao.catalog.models import Sector
from ravao.oversight import reportdoc, selectors
from ravao.oversight.reportdoc import Section, Table, add_section, dated
from ravao.oversight.reports import report_build
from ravao.oversight.responsibility import responsibility_set
from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, make_random_data
from ravao.oversight.tests.test_indicators import selectors_now
from ravao.venues.models import Venue

PERIOD = {"from": (END_DAY - timedelta(days=6)).isoformat(), "to": END_DAY.isoformat()}


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def docx_text(content: bytes) -> str:
    word = Word(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]

    def cells(table):
        for row in table.rows:
            for c in row.cells:
                parts.extend(p.text for p in c.paragraphs)
                for inner in c.tables:
                    cells(inner)

    for t in word.tables:
        cells(t)
    return " ".join(" ".join(parts).split())


@pytest.fixture
def data(small_map, users):
    make_random_data(small_map, seed=21)
    rollup(now=selectors_now())
    responsibility_set(by=None, unit=small_map.province, person_name="Nguyễn Văn Phương")
    responsibility_set(
        by=None,
        unit=small_map.commune_b,
        person_name="Lê Thị Hoa",
        target_date=date(2026, 12, 15),
        commitments="Xong trước 15/12",
    )
    return small_map


def download(user, fmt: str, **params) -> bytes:
    c = Client()
    c.force_login(user)
    r = c.get("/oversight/report/", {**PERIOD, "format": fmt, **params})
    assert r.status_code == 200, r.content[:200]
    return r.content


def test_the_province_report_has_the_administrative_form_in_pdf_and_docx(data, users):
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(download(users["province"], fmt, unit="46"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text, fmt
        assert "UBND THÀNH PHỐ HUẾ" in text and "Số:" in text and "/BC-UBND" in text, fmt
        assert "Huế, ngày" in text and "BÁO CÁO" in text, fmt
        assert "Kính gửi: Bộ Thông tin và Truyền thông" in text, fmt
        # Figures per subordinate unit and per sector, with the sectors by name.
        assert "Số liệu theo đơn vị trực thuộc" in text and "Số liệu theo ngành" in text, fmt
        for sector in ("Y tế", "Giáo dục", "Giao thông vận tải"):
            assert sector in text, (fmt, sector)
        # Phường Phú Xuân lags (see test_reports): named, with who answers for it and by when.
        assert "Đơn vị chậm tiến độ và người chịu trách nhiệm" in text, fmt
        assert "Lê Thị Hoa" in text and "Chủ tịch UBND phường Phú Xuân" in text and "15/12/2026" in text, fmt
        # The signature block: on behalf of the committee, the chair, named.
        assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Nguyễn Văn Phương" in text, fmt
        assert "Nơi nhận:" in text and "Lưu: VT." in text, fmt


def test_the_english_report_reads_in_english(data, users):
    text = pdf_text(download(users["province"], "pdf", unit="46", lang="en"))
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "To: the Ministry of Information and Communications" in text
    assert "Figures per sector" in text and "Chair of the People's Committee of Phường Phú Xuân" in text


def test_vietnamese_dates_as_decree_30_writes_them():
    from django.utils import translation

    with translation.override("vi"):
        assert dated("Huế", date(2026, 12, 4)) == "Huế, ngày 04 tháng 12 năm 2026"
        assert dated("Huế", date(2026, 2, 14)) == "Huế, ngày 14 tháng 02 năm 2026"
    with translation.override("en"):
        assert dated("Huế", date(2026, 12, 4)) == "Huế, 4 December 2026"


def test_a_lagging_ward_lists_its_venues_and_says_it_lags(data, users):
    ward = data.commune_b
    scope = selectors.resolve(user=users["province"], unit_code=ward.code, first=END_DAY, last=END_DAY)
    ind = selectors.coverage(user=users["province"], scope=scope)["indicators"]
    assert ind["lagging"]  # 3 scan points for 90,000 residents
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(download(users["commune_b"], fmt))
        assert "Phường Phú Xuân chưa đạt chỉ tiêu" in text, fmt
        assert "Không có đơn vị nào chậm tiến độ" not in text, fmt
        assert "Kính gửi: Chủ tịch UBND thành phố Huế" in text, fmt
        assert "Lê Thị Hoa" in text, fmt
        venues = Venue.objects.filter(unit=ward).exclude(status="closed")
        assert venues.exists()
        for v in venues:
            assert v.name in text, (fmt, v.name)
    wb = load_workbook(io.BytesIO(download(users["commune_b"], "xlsx")))
    assert {row[0] for row in list(wb["Địa điểm"].iter_rows(values_only=True))[1:]} >= {
        v.code for v in Venue.objects.filter(unit=ward)
    }
    assert [row[0] for row in wb["Chậm tiến độ"].iter_rows(values_only=True)][1:] == [ward.code]


def test_the_health_department_reports_to_the_province_chair(data, users):
    health = Sector.objects.get(code="health")
    responsibility_set(by=users["health"], unit=data.province, sector=health, person_name="Trần Thị Bình")
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(download(users["health"], fmt))
        assert "UBND THÀNH PHỐ HUẾ" in text and "SỞ Y TẾ" in text and "/BC-SYT" in text, fmt
        assert "Kính gửi: Chủ tịch UBND thành phố Huế" in text and "GIÁM ĐỐC" in text, fmt
        assert "Trần Thị Bình" in text and "ngành Y tế" in text, fmt
        assert "Điểm quét trên 100 dân" not in text, fmt  # a sector is judged on its own targets


def test_other_apps_add_sections_to_every_format(data, users):
    @add_section
    def broadcasts(*, user, scope, document):
        table = Table("Phát thanh", ["Xã", "Số lần"], [None, "scans"], rows=[["Phường Thuận Hóa", 1234]])
        return Section("Tuyên truyền trên loa", ["Đã phát 3 lần."], [table])

    try:
        for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
            text = read(download(users["province"], fmt, unit="46"))
            assert "Tuyên truyền trên loa" in text and "Đã phát 3 lần." in text and "1.234" in text, fmt
        wb = load_workbook(io.BytesIO(download(users["province"], "xlsx", unit="46")))
        assert list(wb["Phát thanh"].iter_rows(values_only=True))[1] == ("Phường Thuận Hóa", 1234)
    finally:
        reportdoc.SECTIONS.remove(broadcasts)


def test_an_unknown_format_is_a_clear_400(data, users):
    c = Client()
    c.force_login(users["province"])
    r = c.get("/oversight/report/", {"format": "odt"})
    assert r.status_code == 400 and "docx" in r.content.decode()
    assert report_build  # the one builder behind the page, the API and the CLI
