"""A refused check-in in a real browser (phone viewport): the form comes back as typed with the
bad input marked, and the device remembers nothing of it (issue 18)."""

import json

import pytest

from ravao.checkins.models import Visit

pytestmark = pytest.mark.browser


def stored(page, key):
    return json.loads(page.evaluate(f"localStorage.getItem('{key}')") or "null")


def test_a_bad_phone_brings_the_form_back_filled_and_nothing_is_remembered(page, venue):
    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Nguyễn Văn An")
    page.check("#q_commitment")
    page.fill("#phone", "12345")
    page.fill("#birth_year", "1990")
    page.locator("summary").click()
    page.fill("#c0_name", "Nguyễn Bảo Ngọc")
    page.fill("#c0_year", "2016")
    page.click("#submit")

    page.wait_for_selector("#checkin-error")
    assert "12345" in page.locator("#checkin-error").inner_text()
    # The whole form is shown again, as typed, not the one-tap summary.
    assert page.locator("#full_name").is_visible() and not page.locator("#me-name").is_visible()
    assert page.input_value("#full_name") == "Nguyễn Văn An" and page.input_value("#birth_year") == "1990"
    assert page.input_value("#c0_name") == "Nguyễn Bảo Ngọc"
    assert page.locator("#phone").get_attribute("aria-invalid") == "true"
    assert page.locator("#full_name").get_attribute("aria-invalid") is None
    assert page.evaluate("document.activeElement.id") == "phone"
    assert stored(page, "ravao.me") is None
    assert page.evaluate("sessionStorage.getItem('ravao.pending')") is None
    assert not Visit.objects.exists()

    # Corrected, it goes through, and only then is the visitor remembered.
    page.fill("#phone", "0912 345 678")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    me = stored(page, "ravao.me")
    assert me["person"]["phone"] == "0912 345 678" and me["companions"][0]["full_name"] == "Nguyễn Bảo Ngọc"
    assert Visit.objects.filter(venue=venue).count() == 2


def test_a_known_visitor_who_types_a_bad_phone_keeps_what_the_device_knew(page, venue, other_venue):
    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Lê Thị Hà")
    page.check("#q_commitment")
    page.fill("#phone", "0987654321")
    page.fill("#birth_year", "1985")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    known = stored(page, "ravao.me")

    page.goto(f"/c/{other_venue.code}")
    page.click("#me-change")
    page.fill("#phone", "09")
    page.click("#submit")

    page.wait_for_selector("#checkin-error")
    assert page.locator("#phone").is_visible() and page.input_value("#phone") == "09"
    assert page.locator("#phone").get_attribute("aria-invalid") == "true"
    # The main button checks in with what is on the screen, not "Still true? Confirm".
    assert page.locator("#submit").inner_text() == "Xác nhận vào"
    assert stored(page, "ravao.me") == known
    assert not Visit.objects.filter(venue=other_venue).exists()

    page.fill("#phone", "0987 654 322")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert stored(page, "ravao.me")["person"]["phone"] == "0987 654 322"
