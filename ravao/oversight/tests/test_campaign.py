"""The door-to-door register: add, import (dry run, row errors, all or nothing), visit,
assign, one-tap registration as a venue, progress, and scoping."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from ravao.catalog.models import VenueType
from ravao.core.errors import Forbidden, NotFound, ServiceError
from ravao.oversight import campaign, services, target_import
from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.venues.models import Venue


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


CSV_OK = (
    "commune,name,venue_type,address,phone,notes,canvasser\n"
    "19753,Quán Bún Bò,restaurant,1 Lê Lợi,0905000001,,commune_a\n"
    "19753,Chợ Đông Ba,market,,,,\n"
)


def test_it_imports_a_csv_after_a_dry_run(small_map, users):
    result = target_import.target_import(
        user=users["commune_a"], content=CSV_OK.encode(), filename="list.csv", dry_run=True
    )
    assert result.rows == 2 and not result.errors and TargetEstablishment.objects.count() == 0
    result = target_import.target_import(
        user=users["commune_a"], content=CSV_OK.encode(), filename="list.csv", dry_run=False
    )
    assert result.created == 2
    t = TargetEstablishment.objects.get(name="Quán Bún Bò")
    assert t.unit == small_map.commune_a and t.sector.code == "trade" and t.assigned_to == users["commune_a"]


def test_importing_the_same_register_twice_adds_nothing(small_map, users):
    target_import.target_import(user=users["commune_a"], content=CSV_OK.encode(), filename="list.csv", dry_run=False)
    result = target_import.target_import(
        user=users["commune_a"], content=CSV_OK.encode(), filename="list.csv", dry_run=False
    )
    assert (result.created, result.skipped) == (0, 2)
    assert TargetEstablishment.objects.count() == 2


def test_it_imports_nothing_when_a_row_is_wrong(small_map, users):
    bad = CSV_OK + "19774,Sibling commune shop,restaurant,,,,\n19753,,restaurant,,,,\n19753,X,spaceship,,,,\n"
    result = target_import.target_import(user=users["commune_a"], content=bad.encode(), filename="l.csv", dry_run=False)
    assert [row for row, _ in result.errors] == [4, 5, 6]
    assert TargetEstablishment.objects.count() == 0


def test_it_imports_xlsx_through_the_page(small_map, users):
    wb = Workbook()
    wb.active.append(["commune", "name", "venue_type"])
    wb.active.append(["19753", "Trường Tiểu học", "school"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "list.xlsx"
    r = login(users["province"]).post("/oversight/campaign/import/", {"file": buf})
    assert r.status_code == 302
    assert TargetEstablishment.objects.get().name == "Trường Tiểu học"


def test_it_imports_from_the_cli(small_map, users, tmp_path):
    path = tmp_path / "l.csv"
    path.write_text(CSV_OK, encoding="utf-8")
    call_command("importtargets", str(path), "--user", "commune_a", "--dry-run")
    assert TargetEstablishment.objects.count() == 0
    call_command("importtargets", str(path), "--user", "commune_a")
    assert TargetEstablishment.objects.count() == 2


def test_it_adds_on_the_spot_and_registers_the_venue_in_one_tap(small_map, users):
    c = login(users["commune_a"])
    r = c.post(
        "/oversight/campaign/add/",
        {
            "commune": small_map.commune_a.pk,
            "name": "Tiệm Tóc Hoa",
            "venue_type": "beauty",
            "address": "5 Trần Hưng Đạo",
            "phone": "0905123456",
            "guided": "1",
        },
    )
    t = TargetEstablishment.objects.get()
    assert r.status_code == 302 and t.status == TargetStatus.GUIDED and t.visited_at is not None
    r = c.post(f"/oversight/campaign/{t.pk}/", {"action": "register", "venue_type": "beauty"})
    t.refresh_from_db()
    venue = Venue.objects.get()
    assert t.status == TargetStatus.REGISTERED and t.venue == venue
    assert (venue.name, venue.unit, venue.street, venue.contact_phone) == (
        "Tiệm Tóc Hoa",
        small_map.commune_a,
        "5 Trần Hưng Đạo",
        "0905123456",
    )
    with pytest.raises(ServiceError):
        services.target_register_venue(user=users["commune_a"], target=t)


def test_it_keeps_the_register_within_the_jurisdiction(small_map, users):
    t = services.target_create(user=users["commune_b"], unit=small_map.commune_b, name="B shop")
    with pytest.raises(NotFound):
        services.target_create(user=users["commune_a"], unit=small_map.commune_b, name="Not mine")
    assert login(users["commune_a"]).get(f"/oversight/campaign/{t.pk}/").status_code == 404
    assert "B shop" not in login(users["commune_a"]).get("/oversight/campaign/").content.decode()
    assert "B shop" in login(users["province"]).get("/oversight/campaign/").content.decode()
    with pytest.raises(NotFound):
        services.target_register_venue(user=users["commune_a"], target=t)
    school = VenueType.objects.get(code="school")
    with pytest.raises(Forbidden):
        services.target_create(user=users["health"], unit=small_map.commune_a, name="School", venue_type=school)


def test_it_counts_progress_per_commune_and_canvasser(small_map, users):
    a = users["commune_a"]
    for i, status in enumerate([TargetStatus.NOT_VISITED, TargetStatus.GUIDED, TargetStatus.GUIDED]):
        services.target_create(user=a, unit=small_map.commune_a, name=f"T{i}", status=status, assigned_to=a)
    t = TargetEstablishment.objects.get(name="T2")
    services.target_register_venue(user=a, target=t, venue_type=VenueType.objects.get(code="restaurant"))
    services.target_create(user=users["province"], unit=small_map.commune_b, name="B")
    rows = {r["unit__code"]: r for r in campaign.progress_by_commune(user=users["province"], unit=small_map.province)}
    assert rows["19753"]["total"] == 3 and rows["19753"]["registered"] == 1 and rows["19753"]["guided"] == 1
    assert rows["19774"]["total"] == 1 and rows["19774"]["registered_share"] == 0
    by_canvasser = {
        r["assigned_to__username"]: r for r in campaign.progress_by_canvasser(user=users["province"], unit=None)
    }
    assert by_canvasser["commune_a"]["total"] == 3 and by_canvasser["commune_a"]["visited"] == 2
    assert services.target_assign(user=users["province"], targets=[t.pk], canvasser="commune_b") == 1
    with pytest.raises(NotFound):
        services.target_assign(user=users["province"], targets=[t.pk], canvasser="other_province")
