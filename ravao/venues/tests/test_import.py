import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from ravao.testing import ApiClient
from ravao.venues.importer import venue_import
from ravao.venues.models import Venue


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _csv(rows, header="name,type,address,unit,phone") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _rows(m, n=30, bad_at=None):
    rows = []
    for i in range(n):
        unit = m.commune_a.code if i % 2 else "Phường Phú Xuân"
        vtype = '"Nhà hàng, quán ăn"' if i % 3 else "supermarket"
        rows.append(f"Quán số {i},{vtype},{i} Lê Lợi,{unit},09{i:08d}")
    if bad_at is not None:
        rows[bad_at] = f"Quán số {bad_at},tàu vũ trụ,{bad_at} Lê Lợi,{m.commune_a.code},"
    return rows


def test_one_bad_row_writes_nothing_and_is_reported_then_the_fixed_file_imports(small_map, users):
    bad = _csv(_rows(small_map, bad_at=17))
    report = venue_import(user=users["province"], data=bad, filename="xa.csv")
    assert not report.committed and Venue.objects.count() == 0
    assert [(r.line, r.messages) for r in report.errors] == [(19, ["unknown venue type “tàu vũ trụ”"])]
    good = _csv(_rows(small_map))
    report = venue_import(user=users["province"], data=good, filename="xa.csv")
    assert report.committed and report.created == 30 and Venue.objects.count() == 30
    v = Venue.objects.get(name="Quán số 3")
    assert v.unit == small_map.commune_a and v.venue_type.code == "supermarket" and v.contact_phone == "+84900000003"
    assert v.sector.code == "trade" and v.default_stay_minutes == 45 and v.created_by == users["province"]
    # Re-importing the same file (even with other spacing and accents) creates no duplicates.
    again = _csv([r.replace("Quán", "quan ").replace("Lê Lợi", "le loi") for r in _rows(small_map)])
    report = venue_import(user=users["province"], data=again, filename="xa.csv")
    assert report.existing == 30 and report.created == 0 and Venue.objects.count() == 30


def test_a_dry_run_writes_nothing(small_map, users):
    report = venue_import(user=users["national"], data=_csv(_rows(small_map, n=5)), filename="x.csv", dry_run=True)
    assert report.to_create == 5 and not report.committed and Venue.objects.count() == 0


def test_it_reports_every_kind_of_bad_row(small_map, users):
    rows = [
        ",restaurant,1 A,19753,",
        "Quán,restaurant,1 A,,",
        "Quán Hải Châu,restaurant,1 A,20194,",  # another province: outside the official's area
        "Quán,restaurant,1 A,19753,12345",
        "Đám cưới,wedding,1 A,19753,",
        "Quán X,restaurant,1 A,19753,",
        "quan x,restaurant,1 a,19753,",
    ]
    report = venue_import(user=users["province"], data=_csv(rows), filename="x.csv")
    by_line = {r.line: " ".join(r.messages) for r in report.errors}
    assert "name is empty" in by_line[2]
    assert "commune or ward is empty" in by_line[3]
    assert "no commune or ward “20194” in your area" in by_line[4]
    assert "phone number “12345” is not valid" in by_line[5]
    assert "not imported" in by_line[6]
    assert by_line[8] == "the same venue as row 7"
    assert 7 not in by_line and Venue.objects.count() == 0


def test_it_reads_xlsx_with_vietnamese_headers(small_map, users):
    wb = Workbook()
    ws = wb.active
    ws.append(["Tên cơ sở", "Loại hình", "Địa chỉ", "Xã/Phường", "Số điện thoại"])
    ws.append(["Nhà thuốc Minh Châu", "Nhà thuốc", "5 Hùng Vương", "Thuận Hóa", "0912 345 678"])
    buf = io.BytesIO()
    wb.save(buf)
    report = venue_import(user=users["commune_a"], data=buf.getvalue(), filename="ds.xlsx")
    assert report.committed, report.as_dict()
    assert Venue.objects.get().venue_type.code == "pharmacy"


def test_the_command_dry_runs_refuses_bad_files_and_imports(small_map, tmp_path, capsys):
    path = tmp_path / "venues.csv"
    path.write_bytes(_csv(_rows(small_map, n=6, bad_at=2)))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("importvenues", str(path))
    assert "row 4: 'Quán số 2': unknown venue type" in capsys.readouterr().out
    path.write_bytes(_csv(_rows(small_map, n=6)))
    call_command("importvenues", str(path), "--dry-run")
    assert "6 new" in capsys.readouterr().out and Venue.objects.count() == 0
    call_command("importvenues", str(path))
    assert Venue.objects.count() == 6


def test_the_api_imports_within_the_officials_area(small_map, users):
    api = ApiClient(users["commune_b"])
    data = _csv(_rows(small_map, n=4))
    from django.core.files.uploadedfile import SimpleUploadedFile

    res = api.client.post(
        "/api/v1/venues/import?dry_run=false",
        {"file": SimpleUploadedFile("v.csv", data, content_type="text/csv")},
        headers=api.headers,
    )
    assert res.status_code == 422, res.content  # rows in commune A are outside commune B
    body = res.json()
    assert body["report"]["errors"] == 2 and Venue.objects.count() == 0
    res = ApiClient(users["staff"]).client.post(
        "/api/v1/venues/import", {"file": SimpleUploadedFile("v.csv", data)}, headers=ApiClient(users["staff"]).headers
    )
    assert res.status_code == 403
