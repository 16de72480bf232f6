"""The progress report (XLSX opened with openpyxl, PDF read with pypdf) carries the right
figures, from the page, the API and the CLI; scheduled reports go to the level above."""

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from ravao.oversight.dispatch import send_reports
from ravao.oversight.models import ReportDispatch
from ravao.oversight.reports import fmt_value
from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, brute_force, make_random_data
from ravao.oversight.tests.test_indicators import selectors_now
from ravao.testing import ApiClient

FIRST = END_DAY - timedelta(days=6)
PARAMS = {"unit": "46", "from": FIRST.isoformat(), "to": END_DAY.isoformat()}


def setup(small_map):
    make_random_data(small_map, seed=21)
    rollup(now=selectors_now())
    return brute_force(unit=small_map.province, generation="2025", first=FIRST, last=END_DAY)


def test_it_builds_an_xlsx_with_the_figures(small_map, users):
    expected = setup(small_map)
    r = ApiClient(users["province"]).get("/reports/progress", format="xlsx", lang="en", **PARAMS)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    sheet = {row[0]: row[1] for row in wb["Indicators"].iter_rows(values_only=True) if row and row[0]}
    assert sheet["Scans"] == expected["scans"]
    assert sheet["Unique visitors"] == expected["unique_visitors"]
    assert sheet["Registered scan points"] == expected["registered"]
    assert sheet["Active in the last 7 days"] == expected["active_7d"]
    children = list(wb["Child units"].iter_rows(values_only=True))
    assert {row[0] for row in children[1:]} == {"19753", "19774"}
    lagging = [row[0] for row in wb["Lagging"].iter_rows(values_only=True)][1:]
    assert "19753" in lagging


def test_it_builds_a_vietnamese_pdf_by_default(small_map, users):
    expected = setup(small_map)
    r = ApiClient(users["province"]).get("/reports/progress", format="pdf", **PARAMS)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages).split())
    assert "BÁO CÁO" in text and "Tiến độ triển khai" in text and small_map.province.name in text
    with __import__("django").utils.translation.override("vi"):
        assert f"Lượt quét {fmt_value('scans', expected['scans'])}" in text
        assert f"Số người (không trùng lặp) {fmt_value('unique_visitors', expected['unique_visitors'])}" in text


def test_it_writes_the_report_from_the_cli_and_the_page(small_map, users, tmp_path):
    expected = setup(small_map)
    out = tmp_path / "r.pdf"
    call_command(
        "report",
        "--unit",
        "46",
        "--from",
        FIRST.isoformat(),
        "--to",
        END_DAY.isoformat(),
        "--format",
        "pdf",
        "--lang",
        "en",
        "--out",
        str(out),
    )
    text = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert f"Scans {expected['scans']:,}" in text
    from django.test import Client

    c = Client()
    c.force_login(users["province"])
    r = c.get("/oversight/report/", {**PARAMS, "format": "xlsx", "lang": "en"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    page_sheet = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(r.content))["Indicators"].iter_rows(values_only=True)
        if row and row[0]
    }
    xlsx = tmp_path / "r.xlsx"
    call_command(
        "report",
        "--unit",
        "46",
        "--from",
        FIRST.isoformat(),
        "--to",
        END_DAY.isoformat(),
        "--format",
        "xlsx",
        "--lang",
        "en",
        "--out",
        str(xlsx),
    )
    cli_sheet = {
        row[0]: row[1] for row in load_workbook(str(xlsx))["Indicators"].iter_rows(values_only=True) if row and row[0]
    }
    for sheet in (page_sheet, cli_sheet):
        assert sheet["Scans"] == expected["scans"] and sheet["Unique visitors"] == expected["unique_visitors"]
        assert sheet["Registered scan points"] == expected["registered"]


def test_it_refuses_reports_outside_the_jurisdiction(small_map, users):
    setup(small_map)
    r = ApiClient(users["other_province"]).get("/reports/progress", format="xlsx", **PARAMS)
    assert r.status_code == 404
    assert ApiClient(users["manager"]).get("/reports/progress", **PARAMS).status_code == 403


def test_it_emails_reports_upward_once(small_map, users):
    setup(small_map)
    users["province"].email = "tinh@example.org"
    users["province"].save()
    # END_DAY (2026-11-20) is a Friday: the week Monday 16 – Sunday 22 is reported from Monday 23.
    sent = send_reports(today=END_DAY + timedelta(days=3))
    assert sent == 2  # both communes of the province have venues or targets
    assert {m.to[0] for m in mail.outbox} == {"tinh@example.org"}
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    assert send_reports(today=END_DAY + timedelta(days=4)) == 0  # not twice in the same week
    dispatch = ReportDispatch.objects.first()
    assert (dispatch.period_start.isoformat(), dispatch.period_end.isoformat()) == ("2026-11-16", "2026-11-22")
    assert ReportDispatch.objects.count() == 2


def test_a_province_report_goes_to_the_national_administrators(small_map, users):
    setup(small_map)
    users["national"].email = "bo@example.org"
    users["national"].save()
    sent = send_reports(today=END_DAY + timedelta(days=3))
    # Every province with venues or targets (of both generations) reports to the country; the
    # communes' reports go to province officials, who have no e-mail address here.
    dispatched = {d.unit for d in ReportDispatch.objects.select_related("unit")}
    assert small_map.province in dispatched and all(u.parent_id is None for u in dispatched)
    assert sent == len(dispatched) == len(mail.outbox) and {m.to[0] for m in mail.outbox} == {"bo@example.org"}
    mine = next(m for m in mail.outbox if small_map.province.name in m.subject)
    pdf = PdfReader(io.BytesIO(mine.attachments[0][1]))
    assert small_map.province.name in "".join(page.extract_text() for page in pdf.pages)


def test_figures_follow_the_language_number_format():
    from django.utils import translation

    with translation.override("vi"):
        assert [
            fmt_value("scans", 24000),
            fmt_value("points_per_100_residents", 0.0423),
            fmt_value("targets_registered_share", 0.701),
            fmt_value("unique_visitors", None),
        ] == ["24.000", "0,042", "70,1%", "—"]
    with translation.override("en"):
        assert [
            fmt_value("scans", 24000),
            fmt_value("points_per_100_residents", 0.0423),
            fmt_value("targets_registered_share", 0.701),
        ] == ["24,000", "0.042", "70.1%"]
