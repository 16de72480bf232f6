"""Exports: no cell a spreadsheet would evaluate, CSV neutralised, Go.Data JSON shape, audited."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from ravao.audit.models import AuditEntry
from ravao.core.spreadsheet import FORMULA_START as DANGEROUS_PREFIXES
from ravao.tracing.models import Case
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world

H = timedelta(hours=1)
EVIL = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def body(response) -> bytes:
    """A download's bytes (exports are streamed from a temporary file)."""
    return b"".join(response.streaming_content)


@pytest.fixture
def case(small_map, users):
    spots = make_world(small_map.commune_a)
    cafe = spots[0][0]
    cafe.name = "=cmd|' /C calc'!A0"
    cafe.save()
    ca = make_person("Ca", phone="0912345678", unit=small_map.commune_a)
    make_visit(ca, cafe, BASE, 60)
    for i, name in enumerate(EVIL):
        make_visit(make_person(name, phone=f"098765432{i}"), cafe, BASE + i * 5 * timedelta(minutes=1), 30)
    return Case.objects.create(
        person=ca,
        unit=small_map.commune_a,
        infectious_from=BASE - 24 * H,
        infectious_to=BASE + 24 * H,
        created_by=users["tracer"],
    )


@pytest.fixture
def client(users):
    c = Client()
    c.force_login(users["tracer"])
    return c


def test_it_exports_xlsx_without_any_formula_cell(case, client):
    r = client.get(f"/tracing/cases/{case.pk}/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(body(r)))
    names = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    names.append(cell.value)
                    # A text cell; one that would start a formula when retyped carries Excel's
                    # hidden apostrophe (quote prefix) instead of a visible one.
                    assert cell.data_type == "s"
                    if cell.value.startswith(DANGEROUS_PREFIXES):
                        assert cell.quotePrefix, cell.value
    assert '=HYPERLINK("http://evil","x")' in names and "=cmd|' /C calc'!A0" in names
    assert not [n for n in names if n.startswith("'")]  # no visible apostrophe anywhere
    assert len(wb["Contacts" if "Contacts" in wb.sheetnames else wb.sheetnames[0]]["A"]) == 1 + len(EVIL)


def test_the_xlsx_reads_well_phones_as_text_dates_widths_filters_and_words(case, client):
    from ravao.people.models import Person

    wb = load_workbook(io.BytesIO(body(client.get(f"/tracing/cases/{case.pk}/export.xlsx"))))
    contacts, exposures = wb.worksheets
    assert contacts["D1"].value == "Điện thoại"
    phones = {c.value for c in contacts["D"][1:]}
    assert phones == {p.phone for p in Person.objects.exclude(pk=case.person_id)}
    assert all(isinstance(p, str) and not p.startswith("'") for p in phones)
    for ws in (contacts, exposures):
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
    assert contacts.column_dimensions["C"].width >= 20  # names are not squeezed
    first = contacts["H2"]  # first exposure: a date, shown the Vietnamese way
    assert first.is_date and first.number_format == "dd/mm/yyyy hh:mm"
    assert {c.value for c in exposures["E"][1:]} == {"cùng địa điểm"}  # kind: translated, not "venue"


def test_it_exports_csv_with_neutralised_cells(case, client):
    r = client.get(f"/tracing/cases/{case.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(body(r).decode("utf-8-sig"))))
    assert len(rows) == 1 + len(EVIL)
    for row in rows:
        for value in row:
            assert not value.startswith(DANGEROUS_PREFIXES), value


def test_it_exports_json_in_the_outbreak_tool_shape(case, client):
    data = json.loads(body(client.get(f"/tracing/cases/{case.pk}/export.json")))
    assert set(data) >= {"cases", "contacts", "events", "relationships"}
    assert data["cases"][0]["classification"].endswith("CONFIRMED")
    assert len(data["contacts"]) == len(EVIL)
    rel = data["relationships"][0]
    assert rel["persons"][0]["id"] == data["cases"][0]["id"] and rel["contactDate"]
    assert data["events"][0]["address"]["locationId"] == "19753"
    assert rel["eventId"] == data["events"][0]["id"]


def test_it_audits_every_export(case, client, users):
    for fmt in ("xlsx", "csv", "json"):
        client.get(f"/tracing/cases/{case.pk}/export.{fmt}")
    entries = AuditEntry.objects.filter(action="export", case_id=case.pk)
    assert sorted(e.detail["format"] for e in entries) == ["csv", "json", "xlsx"]
    assert {e.username for e in entries} == {"tracer"}
    assert client.get(f"/tracing/cases/{case.pk}/export.exe").status_code == 404
