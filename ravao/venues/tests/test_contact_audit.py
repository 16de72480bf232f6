"""Issue 15's audit gaps: the registry export is logged with its unit (a regional auditor sees
it), and a venue's contact name and phone are given in full only to its managers and officials
of its area (audited), masked to everyone else."""

import pytest
from django.test import Client

from ravao.audit.models import AuditEntry
from ravao.testing import ApiClient, Role, make_user
from ravao.venues.models import MembershipRole, VenueMembership
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db

NAME, PHONE = "Nguyễn Thị Lan", "+84912345678"


@pytest.fixture
def venue(small_map, users):
    v = make_venue(small_map.commune_a, "Quán Cơm Bà Lan", contact_name=NAME, contact_phone=PHONE)
    VenueMembership.objects.create(venue=v, user=users["manager"], role=MembershipRole.MANAGER)
    VenueMembership.objects.create(venue=v, user=users["staff"], role=MembershipRole.STAFF)
    return v


@pytest.mark.parametrize("who", ["manager", "commune_a", "province", "national"])
def test_managers_and_officials_of_the_area_read_the_contact_in_full_audited(users, venue, who):
    before = AuditEntry.objects.filter(object_type="venue_contact").count()
    body = ApiClient(users[who]).get(f"/venues/{venue.code}").json()
    assert (body["contact_name"], body["contact_phone"], body["contact_masked"]) == (NAME, PHONE, False)
    entry = AuditEntry.objects.filter(object_type="venue_contact").latest("id")
    assert AuditEntry.objects.filter(object_type="venue_contact").count() == before + 1
    assert (entry.user_id, entry.object_id, entry.unit_id, entry.action) == (
        users[who].pk,
        venue.code,
        venue.unit_id,
        "read",
    )


@pytest.mark.parametrize("who", ["staff", "tracer", "auditor", "health"])
def test_gate_staff_and_others_see_the_contact_masked_unaudited(users, venue, who):
    if who == "health":  # a sector official of another sector does not see the venue at all
        assert ApiClient(users[who]).get(f"/venues/{venue.code}").status_code == 404
        return
    body = ApiClient(users[who]).get(f"/venues/{venue.code}").json()
    assert body["contact_masked"] is True
    assert body["contact_name"] == "N. T. Lan" and body["contact_phone"] == "+84••••••678"
    assert PHONE not in str(body) and NAME not in str(body)
    assert not AuditEntry.objects.filter(object_type="venue_contact").exists()


def test_a_gate_staff_account_managing_one_venue_reads_that_ones_contact_only(users, venue, small_map):
    other = make_venue(small_map.commune_a, "Quán B", contact_name="Lê Văn Hùng", contact_phone="+84905000111")
    VenueMembership.objects.create(venue=other, user=users["staff"], role=MembershipRole.MANAGER)
    api = ApiClient(users["staff"])
    assert api.get(f"/venues/{other.code}").json()["contact_masked"] is False
    assert api.get(f"/venues/{venue.code}").json()["contact_masked"] is True


def test_the_registry_export_is_logged_with_its_unit_for_the_areas_auditors(users, venue, small_map):
    commune_auditor = make_user("auditor_a", Role.AUDITOR, small_map.commune_a)
    other_auditor = make_user("auditor_b", Role.AUDITOR, small_map.commune_b)
    official = Client()
    official.force_login(users["commune_a"])
    assert PHONE in official.get("/venues/export.csv").content.decode("utf-8-sig")
    # A filter wider than the official's area: the entry keeps the official's own unit.
    official.get("/venues/export.csv", {"unit": small_map.province.code})
    entries = list(AuditEntry.objects.filter(object_type="venue_registry").order_by("id"))
    assert [e.unit_id for e in entries] == [small_map.commune_a.pk, small_map.commune_a.pk]

    seen = ApiClient(commune_auditor).get("/audit", object_type="venue_registry").json()
    assert seen["count"] == 2 and {e["username"] for e in seen["items"]} == {"commune_a"}
    assert ApiClient(users["auditor"]).get("/audit", object_type="venue_registry").json()["count"] == 2
    assert ApiClient(other_auditor).get("/audit", object_type="venue_registry").json()["count"] == 0
