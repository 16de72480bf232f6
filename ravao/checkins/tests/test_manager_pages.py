"""Venue manager pages: who is inside, today's visits (masked), XLSX export, scoping."""

import io
import uuid

import pytest
from django.test import Client
from openpyxl import load_workbook

from ravao.audit.models import AuditEntry
from ravao.checkins.services import PersonInput, checkin_self
from ravao.checkins.tests.conftest import member
from ravao.core.spreadsheet import safe_cell


def visit(venue, name, phone):
    return checkin_self(client_id=uuid.uuid4(), code=venue.code, person=PersonInput(full_name=name, phone=phone))


@pytest.fixture
def manager(users, venue):
    return member(users["manager"], venue, role="manager")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_sees_who_is_inside_masked(venue, manager):
    visit(venue, "Nguyễn Văn An", "0912345678")
    res = logged_in(manager).get(f"/checkins/venues/{venue.code}/")
    html = res.content.decode()
    assert res.status_code == 200
    assert "N. V. An" in html and "Nguyễn Văn An" not in html and "0912345678" not in html
    assert 'id="count-inside">1<' in html


def test_the_menu_lists_the_venues(venue, manager, other_venue):
    html = logged_in(manager).get("/checkins/venues/").content.decode()
    assert venue.name in html and other_venue.name not in html


def test_a_manager_of_another_venue_gets_404(venue, other_venue, manager):
    assert logged_in(manager).get(f"/checkins/venues/{other_venue.code}/").status_code == 404
    assert logged_in(manager).get(f"/checkins/venues/{other_venue.code}/today.xlsx").status_code == 404


def test_officials_see_venues_of_their_area_only(venue, users):
    assert logged_in(users["commune_a"]).get(f"/checkins/venues/{venue.code}/").status_code == 200
    assert logged_in(users["commune_b"]).get(f"/checkins/venues/{venue.code}/").status_code == 404


def test_the_export_is_masked_neutralises_formulas_and_is_audited(venue, manager):
    visit(venue, "Nguyễn Văn An", "0912345678")
    visit(venue, 'Lê =HYPERLINK("http://x")', "0987654321")
    res = logged_in(manager).get(f"/checkins/venues/{venue.code}/today.xlsx")
    assert res.status_code == 200
    ws = load_workbook(io.BytesIO(res.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    names = [row[3].value for row in ws.iter_rows(min_row=2)]
    assert "N. V. An" in names and len(names) == 2
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert "0912345678" not in str(values) and "Nguyễn" not in str(values)
    assert AuditEntry.objects.filter(action="export", object_id=venue.code).exists()


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_get_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_unchanged():
    assert safe_cell("N. V. An") == "N. V. An" and safe_cell(1990) == 1990
