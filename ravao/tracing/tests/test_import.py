"""Importing confirmed cases from CSV/XLSX: dry run, row errors, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from ravao.tracing.imports import case_import
from ravao.tracing.models import Case
from ravao.tracing.tests.factories import make_person


@pytest.fixture
def people(small_map):
    # Residents of the tracer's province: a tracer only opens cases in their jurisdiction.
    unit = small_map.commune_a
    return [make_person("A", phone="0912345678", unit=unit), make_person("B", id_number="046090001234", unit=unit)]


CSV_OK = "phone,id_number,symptom_onset,notes\n0912345678,,2026-11-03,từ chợ\n,046090001234,05/11/2026,\n"


def test_it_checks_without_writing_on_a_dry_run(people, users):
    r = case_import(user=users["tracer"], content=CSV_OK.encode(), filename="cases.csv", dry_run=True)
    assert (r.rows, r.valid, r.errors, r.created) == (2, 2, [], [])
    assert not Case.objects.exists()


def test_it_imports_every_row(people, users):
    r = case_import(user=users["tracer"], content=CSV_OK.encode(), filename="cases.csv", dry_run=False)
    assert len(r.created) == 2 and Case.objects.count() == 2
    assert Case.objects.get(person=people[0]).notes == "từ chợ"


def test_it_imports_nothing_when_a_row_fails(people, users):
    bad = CSV_OK + "0900000000,,2026-11-03,\n,,31/02/2026,\n"
    r = case_import(user=users["tracer"], content=bad.encode(), filename="cases.csv", dry_run=False)
    assert [n for n, _ in r.errors] == [4, 5] and r.created == []
    assert not Case.objects.exists()


def test_it_reads_xlsx_through_the_page(people, users):
    wb = Workbook()
    wb.active.append(["Số điện thoại", "Ngày khởi phát"])
    wb.active.append(["0912345678", "2026-11-03"])
    buf = io.BytesIO()
    wb.save(buf)
    client = Client()
    client.force_login(users["tracer"])
    upload = SimpleUploadedFile("ca.xlsx", buf.getvalue())
    r = client.post("/tracing/import/", {"file": upload})
    assert r.status_code == 200 and Case.objects.count() == 1
