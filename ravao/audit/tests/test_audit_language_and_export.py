"""The audit log reads in the reader's language (no internal codes such as ``case_contacts 1``
or ``export xlsx``), and exports as XLSX or CSV with the page's filters and scoping; the export
is itself recorded in the log."""

import csv
import io

import pytest
from openpyxl import load_workbook

from ravao.audit.models import AuditEntry
from ravao.audit.services import audit_record
from ravao.testing import Role, make_user

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def entries(users, small_map):
    here = audit_record(
        user=users["tracer"],
        action="export",
        object_type="case_contacts",
        object_id=1,
        case_id=1,
        purpose="export xlsx",
        unit=small_map.province,
    )
    outside = audit_record(
        user=users["tracer"],
        action="read",
        object_type="case_contacts",
        object_id=1,
        case_id=1,
        purpose="contact list (page), outside jurisdiction",
        unit=small_map.province,
    )
    elsewhere = audit_record(
        user=users["other_province"],
        action="read",
        object_type="case",
        object_id=9,
        case_id=9,
        purpose="case page",
        unit=small_map.other_province,
    )
    return here, outside, elsewhere


def test_the_page_speaks_vietnamese_not_internal_codes(client, users, entries):
    client.force_login(users["auditor"])
    html = client.get("/audit/").content.decode()
    assert "Danh sách tiếp xúc của ca bệnh F0 #1" in html and "Xuất tệp (XLSX)" in html
    assert "Danh sách tiếp xúc (trang), ngoài địa bàn quản lý" in html
    assert "case_contacts" not in html and "export xlsx" not in html


def test_the_page_in_english_and_unknown_codes_shown_as_stored(client, users, entries, small_map):
    audit_record(
        user=users["tracer"],
        action="read",
        object_type="new_thing",
        object_id=5,
        purpose="why not",
        unit=small_map.province,
    )
    client.force_login(users["auditor"])
    client.cookies["django_language"] = "en"
    html = client.get("/audit/").content.decode()
    assert "Contacts of case F0 #1" in html and "Export (XLSX)" in html and "new_thing 5" in html and "why not" in html


def test_the_xlsx_export_is_filtered_scoped_translated_and_audited(client, users, entries):
    client.force_login(users["auditor"])
    before = AuditEntry.objects.count()
    r = client.get("/audit/export.xlsx", {"action": "export"})
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(body(r))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("Thời điểm", "Người dùng", "Hành động", "Đối tượng", "Mục đích")
    assert len(rows) == 2  # the one export in the auditor's province; not the read, not the other province
    assert (
        rows[1][2] == "Xuất dữ liệu"
        and rows[1][3] == "Danh sách tiếp xúc của ca bệnh F0 #1"
        and rows[1][4] == "Xuất tệp (XLSX)"
    )
    assert ws["A2"].is_date and ws["A2"].number_format == "dd/mm/yyyy hh:mm"
    assert ws.auto_filter.ref == "A1:H2" and ws.column_dimensions["D"].width >= 30
    assert AuditEntry.objects.count() == before + 1
    mine = AuditEntry.objects.latest("id")
    assert (mine.username, mine.action, mine.object_type) == ("auditor", "export", "audit_log")
    assert mine.detail == {"format": "xlsx", "rows": 1, "filters": {"action": "export"}}
    assert mine.unit_id == users["auditor"].unit_id  # auditors of the area see who exported


def test_the_csv_export_and_the_export_entry_appear_in_the_log(client, users, entries):
    client.force_login(users["auditor"])
    r = client.get("/audit/export.csv")
    rows = list(csv.reader(io.StringIO(body(r).decode("utf-8-sig"))))
    assert len(rows) == 1 + 2
    assert {row[1] for row in rows[1:]} == {"tracer"}
    html = client.get("/audit/").content.decode()
    assert "Xuất nhật ký truy cập" in html  # the export, in the log, in words


def test_only_auditors_export_and_sibling_auditors_see_only_their_area(client, users, entries, small_map):
    client.force_login(users["province"])
    assert client.get("/audit/export.xlsx").status_code == 403
    client.force_login(make_user("auditor_b", Role.AUDITOR, small_map.other_province))
    rows = list(csv.reader(io.StringIO(body(client.get("/audit/export.csv")).decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["other_province"]
    assert client.get("/audit/export.pdf").status_code == 404
