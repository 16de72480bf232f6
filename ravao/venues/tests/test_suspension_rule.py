"""The suspension rule, the same through the service, the page and the API.

Officials in whose area (and sector) a venue lies may suspend it and lift the suspension; its
own managers may close and reopen it, but not while it is suspended; nobody else may change its
status. A sibling official does not even see the venue (404 on pages and the API)."""

import pytest
from django.test import Client
from django.utils import translation

from ravao.core.errors import Forbidden, ServiceError
from ravao.testing import ApiClient, Role, make_user
from ravao.venues.models import MembershipRole, VenueMembership, VenueStatus
from ravao.venues.services import venue_set_status
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db

SUSPEND_AND_LIFT = ["national", "province", "commune_a", "health"]  # the clinic is a health venue
NEITHER = ["commune_b", "other_province", "education", "tracer", "auditor", "staff", "other_manager"]
HIDDEN = ["commune_b", "other_province", "education", "other_manager"]  # the venue is outside their sight


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def clinic(small_map, users):
    venue = make_venue(small_map.commune_a, "Trạm y tế Thuận Hóa", "clinic")
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    VenueMembership.objects.create(venue=venue, user=users["staff"], role=MembershipRole.STAFF)
    other = make_venue(small_map.commune_b, "Chợ Tây Lộc", "market")
    users["other_manager"] = make_user("other_manager", Role.VENUE_MANAGER)
    VenueMembership.objects.create(venue=other, user=users["other_manager"], role=MembershipRole.MANAGER)
    return venue


def _set(venue, status):
    venue.status = status
    venue.save(update_fields=["status"])


def _status(venue):
    venue.refresh_from_db()
    return venue.status


# --- the service -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", SUSPEND_AND_LIFT)
def test_officials_of_the_area_suspend_and_lift(users, clinic, who):
    venue_set_status(venue=clinic, status=VenueStatus.SUSPENDED, by=users[who])
    assert _status(clinic) == VenueStatus.SUSPENDED
    venue_set_status(venue=clinic, status=VenueStatus.ACTIVE, by=users[who])
    assert _status(clinic) == VenueStatus.ACTIVE


@pytest.mark.parametrize("who", [*NEITHER, "manager"])
def test_nobody_else_suspends(users, clinic, who):
    with pytest.raises(Forbidden):
        venue_set_status(venue=clinic, status=VenueStatus.SUSPENDED, by=users[who])
    assert _status(clinic) == VenueStatus.ACTIVE


@pytest.mark.parametrize("target", [VenueStatus.ACTIVE, VenueStatus.CLOSED])
def test_the_manager_can_neither_lift_nor_close_a_suspended_venue(users, clinic, target):
    _set(clinic, VenueStatus.SUSPENDED)
    with pytest.raises(Forbidden, match="Only an official can"):
        venue_set_status(venue=clinic, status=target, by=users["manager"])
    assert _status(clinic) == VenueStatus.SUSPENDED


def test_the_manager_closes_and_reopens_their_own_venue(users, clinic):
    venue_set_status(venue=clinic, status=VenueStatus.CLOSED, by=users["manager"])
    assert _status(clinic) == VenueStatus.CLOSED
    venue_set_status(venue=clinic, status=VenueStatus.ACTIVE, by=users["manager"])
    assert _status(clinic) == VenueStatus.ACTIVE


@pytest.mark.parametrize("who", NEITHER)
def test_staff_other_managers_and_other_areas_cannot_close(users, clinic, who):
    with pytest.raises(Forbidden):
        venue_set_status(venue=clinic, status=VenueStatus.CLOSED, by=users[who])


def test_a_suspension_made_meanwhile_is_not_lifted_by_a_stale_page(users, clinic):
    """The manager's page was loaded while the venue was closed; an official suspended it since."""
    _set(clinic, VenueStatus.CLOSED)
    stale = type(clinic).objects.get(pk=clinic.pk)
    venue_set_status(venue=clinic, status=VenueStatus.SUSPENDED, by=users["commune_a"])
    with pytest.raises(Forbidden):
        venue_set_status(venue=stale, status=VenueStatus.ACTIVE, by=users["manager"])
    assert _status(clinic) == VenueStatus.SUSPENDED


def test_the_operator_may_do_anything_and_unknown_statuses_are_refused(clinic):
    venue_set_status(venue=clinic, status=VenueStatus.SUSPENDED, by=None)
    assert _status(clinic) == VenueStatus.SUSPENDED
    with pytest.raises(ServiceError, match="Unknown status"):
        venue_set_status(venue=clinic, status="gone", by=None)


# --- the page ----------------------------------------------------------------------------------


def _page(user) -> Client:
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def _post(user, venue, status):
    return _page(user).post(f"/venues/{venue.code}/do/status/", {"status": status, "confirmed": "1"}, follow=True)


def test_on_the_page_the_official_suspends_and_lifts(users, clinic):
    page = _page(users["commune_a"]).get(f"/venues/{clinic.code}/").content.decode()
    assert "Suspend" in page
    assert _post(users["commune_a"], clinic, "suspended").status_code == 200
    assert _status(clinic) == VenueStatus.SUSPENDED
    _post(users["commune_a"], clinic, "active")
    assert _status(clinic) == VenueStatus.ACTIVE


@pytest.mark.parametrize("who", HIDDEN)
def test_on_the_page_a_sibling_official_gets_404(users, clinic, who):
    assert _page(users[who]).post(f"/venues/{clinic.code}/do/status/", {"status": "suspended"}).status_code == 404
    assert _status(clinic) == VenueStatus.ACTIVE


def test_on_the_page_the_manager_cannot_lift_and_sees_no_button_for_it(users, clinic):
    _set(clinic, VenueStatus.SUSPENDED)
    page = _page(users["manager"]).get(f"/venues/{clinic.code}/").content.decode()
    assert "Reactivate" not in page and ">Suspend<" not in page
    res = _post(users["manager"], clinic, "active")
    assert "Only an official can" in res.content.decode()
    assert _status(clinic) == VenueStatus.SUSPENDED


def test_on_the_page_the_manager_closes_and_reopens(users, clinic):
    _post(users["manager"], clinic, "closed")
    assert _status(clinic) == VenueStatus.CLOSED
    _post(users["manager"], clinic, "active")
    assert _status(clinic) == VenueStatus.ACTIVE


def test_on_the_page_gate_staff_cannot_change_the_status(users, clinic):
    assert _page(users["staff"]).post(f"/venues/{clinic.code}/do/status/", {"status": "closed"}).status_code == 404
    assert _status(clinic) == VenueStatus.ACTIVE


# --- the API -----------------------------------------------------------------------------------


def _api(user, venue, status):
    return ApiClient(user).post(f"/venues/{venue.code}/status?status={status}")


@pytest.mark.parametrize("who", SUSPEND_AND_LIFT)
def test_in_the_api_officials_of_the_area_suspend_and_lift(users, clinic, who):
    res = _api(users[who], clinic, "suspended")
    assert res.status_code == 200 and res.json()["status"] == "suspended"
    assert _api(users[who], clinic, "active").json()["status"] == "active"


@pytest.mark.parametrize("who", HIDDEN)
def test_in_the_api_a_sibling_official_gets_404(users, clinic, who):
    assert _api(users[who], clinic, "suspended").status_code == 404
    assert _status(clinic) == VenueStatus.ACTIVE


@pytest.mark.parametrize("who", ["manager", "staff", "tracer", "auditor"])
def test_in_the_api_others_who_see_the_venue_get_403_on_suspending(users, clinic, who):
    res = _api(users[who], clinic, "suspended")
    assert res.status_code == 403, res.content
    assert _status(clinic) == VenueStatus.ACTIVE


def test_in_the_api_the_manager_closes_and_reopens_but_cannot_lift(users, clinic):
    assert _api(users["manager"], clinic, "closed").json()["status"] == "closed"
    assert _api(users["manager"], clinic, "active").json()["status"] == "active"
    _set(clinic, VenueStatus.SUSPENDED)
    for target in ("active", "closed"):
        res = _api(users["manager"], clinic, target)
        assert res.status_code == 403 and "Only an official can" in res.json()["detail"]
    assert _status(clinic) == VenueStatus.SUSPENDED
