"""Imports of real spreadsheets: Vietnamese type names and synonyms (accents optional), every
row's problem listed, and the good rows imported with the bad ones returned as an XLSX to fix —
through the command, the page and the API, for venues and for the door-to-door register."""

import base64
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from ravao.oversight.models import TargetEstablishment
from ravao.venues.models import Venue

pytestmark = pytest.mark.django_db

VENUES = (
    "Tên,Loại hình,Địa chỉ,Xã/Phường\n"
    "Chợ Tây Lộc,Cho dan sinh,1 Tăng Bạt Hổ,19753\n"
    "Karaoke Hoàng Gia,Karaoke,2 Lê Lợi,19753\n"
    "Vũ trường New Star,Vũ trường,3 Lê Lợi,19753\n"
    "Tàu lạ,Tàu vũ trụ,4 Lê Lợi,19753\n"
    ",Chợ dân sinh,5 Lê Lợi,19753\n"
)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_importvenues_lists_every_problem_then_imports_the_good_rows(small_map, users, tmp_path):
    path = tmp_path / "venues.csv"
    path.write_text(VENUES, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importvenues", str(path), "--as", "commune_a", "--dry-run", stdout=out)
    assert "row 5" in out.getvalue() and "row 6" in out.getvalue() and "Tàu vũ trụ" in out.getvalue()
    assert not Venue.objects.exists()
    rejects = tmp_path / "fix.xlsx"
    call_command("importvenues", str(path), "--as", "commune_a", "--keep-good", "--rejects", str(rejects), stdout=out)
    types = dict(Venue.objects.values_list("name", "venue_type__code"))
    assert types == {"Chợ Tây Lộc": "market", "Karaoke Hoàng Gia": "karaoke", "Vũ trường New Star": "nightclub"}
    rows = list(load_workbook(rejects).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("name", "type", "address", "unit") and len(rows) == 3
    assert rows[1][1] == "Tàu vũ trụ" and "Tàu vũ trụ" in rows[1][-1]


def test_the_import_page_returns_the_rows_to_fix(small_map, users):
    c = login(users["commune_a"])
    upload = io.BytesIO(VENUES.encode())
    upload.name = "venues.csv"
    r = c.post("/venues/import/", {"file": upload, "keep_good": "on"})
    assert r.status_code == 200 and Venue.objects.count() == 3
    m = re.search(r'id="rejects" download="[^"]+" href="data:[^;]+;base64,([^"]+)"', r.content.decode())
    rows = list(load_workbook(io.BytesIO(base64.b64decode(m.group(1)))).active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_the_api_imports_the_good_rows_when_asked(small_map, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ravao.testing import ApiClient

    api = ApiClient(users["commune_a"])
    r = api.client.post(
        "/api/v1/venues/import?keep_good=true",
        {"file": SimpleUploadedFile("v.csv", VENUES.encode(), content_type="text/csv")},
        headers=api.headers,
    )
    assert r.status_code == 200 and r.json()["created"] == 3 and r.json()["errors"] == 2


TARGETS = (
    "xã;tên;loại hình;địa chỉ\n"
    "19753;Chợ Tây Lộc;Chợ dân sinh;1 Tăng Bạt Hổ\n"
    "19753;Karaoke Ánh Dương;karaoke;2 Lê Lợi\n"
    "19753;Quán lạ;tàu vũ trụ;\n"
    "19774;Ngoài xã;Karaoke;\n"
)


def test_importtargets_takes_vietnamese_headers_and_labels_and_returns_the_bad_rows(small_map, users, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(TARGETS, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importtargets", str(path), "--as", "commune_a", "--dry-run", stderr=err, stdout=io.StringIO())
    assert "row 4" in err.getvalue() and "row 5" in err.getvalue()
    rejects = tmp_path / "fix.xlsx"
    call_command(
        "importtargets",
        str(path),
        "--as",
        "commune_a",
        "--keep-good",
        "--rejects",
        str(rejects),
        stderr=err,
        stdout=io.StringIO(),
    )
    got = dict(TargetEstablishment.objects.values_list("name", "venue_type__code"))
    assert got == {"Chợ Tây Lộc": "market", "Karaoke Ánh Dương": "karaoke"}
    rows = list(load_workbook(rejects).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Quán lạ", "Ngoài xã"]


def test_the_campaign_import_page_offers_the_rows_to_fix(small_map, users):
    c = login(users["commune_a"])
    upload = io.BytesIO(TARGETS.encode())
    upload.name = "targets.csv"
    r = c.post("/oversight/campaign/import/", {"file": upload, "keep_good": "1"})
    assert r.status_code == 200 and TargetEstablishment.objects.count() == 2
    assert 'id="rejects"' in r.content.decode()
    upload.seek(0)
    r = c.post("/oversight/campaign/import/", {"file": upload})  # all or nothing: nothing more
    assert TargetEstablishment.objects.count() == 2 and 'id="import-errors"' in r.content.decode()
