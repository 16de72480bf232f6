"""Smoke test of the browser-test fixtures: real chromium, phone viewport, live server."""

import pytest

pytestmark = pytest.mark.browser


def test_it_serves_the_home_page_in_vietnamese_and_switches_to_english(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.viewport_size == {"width": 360, "height": 740}

    page.locator(".lang-switch button[value=en]").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".lang-switch button[value=vi]").is_visible()


def test_it_serves_vendor_static_files(page):
    response = page.goto("/static/vendor/jsQR.js")
    assert response.status == 200
    assert "jsQR" in response.text()


def test_it_logs_a_user_in_with_a_session_cookie(page, login_as, users):
    login_as(users["staff"])
    page.goto("/dashboard/")
    assert "/accounts/login" not in page.url
    assert "staff" in page.locator(".who").inner_text()
