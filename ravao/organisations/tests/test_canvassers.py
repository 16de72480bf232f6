"""Canvassers from the mass organisations: a commune official enlists them; they work the
door-to-door campaign of their commune and nothing else; progress per organisation and per
canvasser on the campaign page and in its export."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.core.errors import Forbidden, ServiceError
from ravao.organisations.models import Canvasser, Organisation
from ravao.organisations.services import canvasser_create
from ravao.oversight import campaign
from ravao.oversight.models import TargetEstablishment, TargetStatus

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def youth():
    return Organisation.objects.get(code="doan_tn")


def enlist(users, small_map, youth, username="hoa", **extra):
    return canvasser_create(
        by=users["commune_a"],
        username=username,
        password="a-long-password-1",
        unit=small_map.commune_a,
        organisation=youth,
        **extra,
    )


def test_the_mass_organisations_are_loaded_nationwide():
    names = set(Organisation.objects.filter(unit=None, kind="mass").values_list("code", flat=True))
    assert {"mttq", "doan_tn", "hoi_phu_nu", "hoi_ccb", "hoi_nong_dan", "cong_doan"} <= names


def test_a_commune_official_enlists_a_canvasser_on_the_page(small_map, users, youth):
    c = login(users["commune_a"])
    r = c.get("/organisations/canvassers/")
    assert r.status_code == 200 and "Đoàn Thanh niên" in r.content.decode()
    r = c.post(
        "/organisations/canvassers/",
        {
            "username": "hoa",
            "password": "a-long-password-1",
            "unit": small_map.commune_a.pk,
            "organisation": youth.pk,
            "last_name": "Nguyễn Thị",
            "first_name": "Hoa",
        },
    )
    assert r.status_code == 302
    hoa = User.objects.get(username="hoa")
    assert hoa.role == policy.canvasser_role() and hoa.unit == small_map.commune_a
    assert hoa.canvasser_membership.organisation == youth
    assert "hoa" in c.get("/organisations/canvassers/").content.decode()
    # The sibling commune's official does not see her.
    assert "hoa" not in login(users["commune_b"]).get("/organisations/canvassers/").content.decode()


def test_a_commune_official_cannot_enlist_for_another_commune(small_map, users, youth):
    r = login(users["commune_a"]).post(
        "/organisations/canvassers/",
        {"username": "x1", "password": "a-long-password-1", "unit": small_map.commune_b.pk, "organisation": youth.pk},
    )
    assert r.status_code == 400 and not User.objects.filter(username="x1").exists()
    with pytest.raises(Forbidden):
        canvasser_create(
            by=users["commune_a"], username="x2", password=None, unit=small_map.commune_b, organisation=youth
        )


def test_a_canvasser_belongs_to_a_mass_organisation_and_a_commune(small_map, users, youth):
    from ravao.organisations.services import organisation_create

    zone = organisation_create(by=users["province"], name="KCN Phú Bài", kind="industrial_zone")
    with pytest.raises(ServiceError):
        canvasser_create(
            by=users["commune_a"], username="x3", password=None, unit=small_map.commune_a, organisation=zone
        )
    with pytest.raises(ServiceError):
        canvasser_create(
            by=users["province"], username="x4", password=None, unit=small_map.province, organisation=youth
        )
    assert not Canvasser.objects.exists()


def test_venue_staff_and_sector_officials_cannot_enlist(users):
    for name in ("manager", "health", "tracer"):
        assert login(users[name]).get("/organisations/canvassers/").status_code == 403


def test_the_accounts_page_does_not_offer_the_canvasser_role(users):
    html = login(users["commune_a"]).get("/accounts/users/").content.decode()
    assert policy.canvasser_role() not in html


def test_a_canvasser_works_the_campaign_of_their_commune_and_nothing_else(small_map, users, youth):
    hoa = enlist(users, small_map, youth)
    mine = TargetEstablishment.objects.create(unit=small_map.commune_a, name="Quán A", assigned_to=hoa)
    other = TargetEstablishment.objects.create(unit=small_map.commune_b, name="Quán B")
    c = login(hoa)
    html = c.get("/oversight/campaign/").content.decode()
    assert "Quán A" in html and "Quán B" not in html
    assert c.get(f"/oversight/campaign/{other.pk}/").status_code == 404
    r = c.post(f"/oversight/campaign/{mine.pk}/", {"action": "guided"})
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == TargetStatus.GUIDED
    # Adding on the spot assigns to herself.
    c.post("/oversight/campaign/add/", {"commune": small_map.commune_a.pk, "name": "Tiệm tạp hoá C"})
    assert TargetEstablishment.objects.get(name="Tiệm tạp hoá C").assigned_to == hoa
    # Assigning, importing, exporting and everything outside the campaign is for officials.
    c.post(f"/oversight/campaign/{mine.pk}/", {"action": "assign", "canvasser": ""})
    mine.refresh_from_db()
    assert mine.assigned_to == hoa
    for path in (
        "/oversight/campaign/import/",
        "/oversight/campaign/export.xlsx",
        "/oversight/",
        "/venues/",
        "/organisations/",
        "/organisations/canvassers/",
        "/mobilisation/",
        "/accounts/users/",
    ):
        assert c.get(path).status_code in (403, 404), path


def test_progress_per_organisation_and_canvasser_on_the_page_and_in_the_export(small_map, users, youth):
    hoa = enlist(users, small_map, youth)
    women = Organisation.objects.get(code="hoi_phu_nu")
    lan = enlist(users, small_map, women, username="lan")
    for i, (who, status) in enumerate(
        [(hoa, TargetStatus.GUIDED), (hoa, TargetStatus.REGISTERED), (lan, TargetStatus.NOT_VISITED), (None, "guided")]
    ):
        TargetEstablishment.objects.create(unit=small_map.commune_a, name=f"T{i}", assigned_to=who, status=status)
    rows = {r["organisation"]: r for r in campaign.progress_by_organisation(user=users["commune_a"], unit=None)}
    assert rows[youth.name]["total"] == 2 and rows[youth.name]["registered_pct"] == 50
    assert rows[women.name]["total"] == 1 and rows[women.name]["canvassers"] == 1
    assert len(rows) == 2  # the unassigned target is nobody's organisation
    by_canvasser = {
        r["assigned_to__username"]: r for r in campaign.progress_by_canvasser(user=users["commune_a"], unit=None)
    }
    assert by_canvasser["hoa"]["organisation"] == youth.name and by_canvasser[None]["organisation"] == ""
    c = login(users["commune_a"])
    html = c.get("/oversight/campaign/").content.decode()
    assert 'id="by-organisation"' in html and youth.name in html and women.name in html
    r = c.get("/oversight/campaign/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    sheet = wb.worksheets[1]
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[youth.name][1] == 1 and values[youth.name][3] == 2  # canvassers, targets
    canvassers = {row[0]: row[1] for row in wb.worksheets[2].iter_rows(min_row=2, values_only=True)}
    assert canvassers["hoa"] == youth.name and canvassers["lan"] == women.name
    # The sibling commune's export has none of it.
    wb = load_workbook(io.BytesIO(login(users["commune_b"]).get("/oversight/campaign/export.xlsx").content))
    assert wb.worksheets[1].max_row == 1
