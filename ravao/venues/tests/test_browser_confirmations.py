"""In a real browser at a phone viewport: every irreversible action asks first, on a page that
says what will happen (Cancel changes nothing), and the venue form shows only the fields of the
chosen type."""

import pytest

from ravao.catalog.models import VenueType
from ravao.testing import Role, make_user
from ravao.venues.models import Entrance, MembershipRole, Venue, VenueMembership, VenueStatus
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.browser


def _confirm_page(page, title: str):
    """The confirmation page is shown, with ``title``; nothing has happened yet."""
    page.wait_for_selector("#confirm-title")
    assert title in page.locator("#confirm-title").inner_text()


def test_each_irreversible_venue_action_asks_first(page, login_as, small_map):
    venue = make_venue(small_map.commune_a, "Chợ Đông Ba", "market")
    Entrance.objects.create(venue=venue, name="Cổng Bắc")
    me, other = make_user("quanly", Role.VENUE_MANAGER), make_user("quanly2", Role.VENUE_MANAGER)
    guard = make_user("baove", Role.GATE_STAFF)
    for user, role in ((me, MembershipRole.MANAGER), (other, MembershipRole.MANAGER), (guard, MembershipRole.STAFF)):
        VenueMembership.objects.create(venue=venue, user=user, role=role)
    login_as(me)
    detail = f"/venues/{venue.code}/"

    # Removing an entrance: Cancel first (nothing changes), then confirm.
    page.goto(detail)
    page.click("form[action$='/do/remove-entrance/'] button")
    _confirm_page(page, "Xóa lối vào “Cổng Bắc”?")
    page.click("a.button.secondary")  # Cancel
    page.wait_for_url(f"**{detail}")
    assert Entrance.objects.filter(venue=venue).count() == 1
    page.click("form[action$='/do/remove-entrance/'] button")
    _confirm_page(page, "Xóa lối vào")
    page.click("button[data-confirm]")
    page.wait_for_url(f"**{detail}")
    assert not Entrance.objects.filter(venue=venue).exists()

    # Replacing the whole venue's poster.
    page.click("form[action$='/do/revoke/'] button")
    _confirm_page(page, "Thay áp phích của cả địa điểm?")
    assert Venue.objects.get(pk=venue.pk).code_version == 1
    page.click("button[data-confirm]")
    page.wait_for_url(f"**{detail}")
    assert Venue.objects.get(pk=venue.pk).code_version == 2

    # Removing a member of staff, then oneself.
    theirs = VenueMembership.objects.get(user=guard)
    page.click(f"form[action$='/do/remove-staff/']:has(input[value='{theirs.pk}']) button")
    _confirm_page(page, "Cho baove thôi làm việc tại Chợ Đông Ba?")
    page.click("button[data-confirm]")
    page.wait_for_url(f"**{detail}")
    assert not VenueMembership.objects.get(user=guard).active

    # Closing the venue.
    page.click("form[action$='/do/status/']:has(input[value='closed']) button")
    _confirm_page(page, "Đóng cửa Chợ Đông Ba?")
    page.click("button[data-confirm]")
    page.wait_for_url(f"**{detail}")
    assert Venue.objects.get(pk=venue.pk).status == VenueStatus.CLOSED

    mine = VenueMembership.objects.get(user=me)
    page.click(f"form[action$='/do/remove-staff/']:has(input[value='{mine.pk}']) button")
    _confirm_page(page, "Tự rút khỏi Chợ Đông Ba?")
    assert "Bạn sẽ không còn" in page.locator(".consequences").inner_text()
    page.click("button[data-confirm]")
    page.wait_for_load_state()
    assert not VenueMembership.objects.get(pk=mine.pk).active


def test_an_official_suspends_only_after_confirming(page, login_as, small_map):
    venue = make_venue(small_map.commune_a, "Quán Bún Bò", "restaurant")
    login_as(make_user("xa", Role.COMMUNE_OFFICIAL, small_map.commune_a))
    page.goto(f"/venues/{venue.code}/")
    page.click("form[action$='/do/status/']:has(input[value='suspended']) button")
    _confirm_page(page, "Tạm dừng hoạt động Quán Bún Bò?")
    assert Venue.objects.get(pk=venue.pk).status == VenueStatus.ACTIVE
    page.click("button[data-confirm]")
    page.wait_for_url(f"**/venues/{venue.code}/")
    assert Venue.objects.get(pk=venue.pk).status == VenueStatus.SUSPENDED


def test_the_venue_form_shows_only_the_fields_of_the_chosen_type(page, login_as, small_map):
    login_as(make_user("xa", Role.COMMUNE_OFFICIAL, small_map.commune_a))
    page.goto("/venues/new/")
    event, vehicle = page.locator("[data-kind-fields=event]"), page.locator("[data-kind-fields=vehicle]")
    assert event.is_hidden() and vehicle.is_hidden()  # no type chosen yet
    page.select_option("#id_venue_type", str(VenueType.objects.get(code="bus").pk))
    assert vehicle.is_visible() and event.is_hidden() and page.locator("#id_plate").is_visible()
    page.select_option("#id_venue_type", str(VenueType.objects.get(code="wedding").pk))
    assert event.is_visible() and vehicle.is_hidden() and page.locator("#id_starts_at").is_visible()
    page.select_option("#id_venue_type", str(VenueType.objects.get(code="restaurant").pk))
    assert event.is_hidden() and vehicle.is_hidden()
