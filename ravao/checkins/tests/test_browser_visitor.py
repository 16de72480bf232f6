"""The visitor page in a real browser (phone viewport): a first visit with a companion, then a
one-tap second visit remembered on the device; the device's own visit history."""

import json

import pytest

from ravao.checkins.models import Channel, Visit
from ravao.people.models import Person

pytestmark = pytest.mark.browser


def stored(page, key):
    return json.loads(page.evaluate(f"localStorage.getItem('{key}')") or "null")


def test_a_first_visit_then_a_one_tap_visit_with_a_companion(page, venue, other_venue):
    page.goto(f"/c/{venue.code}")
    assert page.locator("#full_name").is_visible()
    page.fill("#full_name", "Nguyễn Văn An")
    page.check("#q_commitment")
    page.fill("#phone", "0912 345 678")
    page.fill("#birth_year", "1990")
    page.locator("summary").click()
    page.fill("#c0_name", "Nguyễn Bảo Ngọc")
    page.fill("#c0_year", "2016")
    page.click("#submit")
    page.wait_for_url("**/r/**")

    status = page.locator("#status")
    assert "green" in status.get_attribute("class")
    assert "N. V. An" in status.inner_text() and venue.name in status.inner_text()
    assert "N. B. Ngọc" in page.content()
    me = stored(page, "ravao.me")
    assert me["person"]["full_name"] == "Nguyễn Văn An" and me["companions"][0]["full_name"] == "Nguyễn Bảo Ngọc"
    assert me["holder"]
    visits = stored(page, "ravao.visits")
    assert [v["venue"] for v in visits] == [venue.code] and visits[0]["name"] == venue.name
    assert visits[0]["in"] < visits[0]["out"]

    # Second visit, another venue: the device remembers; one tap checks both in.
    page.goto(f"/c/{other_venue.code}")
    assert page.locator("#me-name").is_visible()
    assert "Nguyễn Văn An" in page.locator("#me-name").inner_text()
    assert not page.locator("#full_name").is_visible()
    assert page.locator(".companion-on").is_checked()
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert other_venue.name in page.locator("#status").inner_text()
    # The device sent the holder link it keeps: its personal QR link is there again.
    from ravao.people.services import holder_person_id

    again = page.locator("#my-qr").get_attribute("href").split("/")[-2]
    assert holder_person_id(again) == holder_person_id(me["holder"]) == Person.objects.get(guardian=None).pk

    assert Person.objects.count() == 2
    at_other = Visit.objects.filter(venue=other_venue)
    assert at_other.count() == 2
    assert {v.channel for v in at_other} == {Channel.SELF, Channel.COMPANION}
    assert [v["venue"] for v in stored(page, "ravao.visits")] == [venue.code, other_venue.code]

    # Check out: the button closes the visit and the device's history gets the real time.
    before = stored(page, "ravao.visits")[-1]["out"]
    with page.expect_navigation():
        page.click("#checkout")
    assert not page.locator("#checkout").count()
    assert stored(page, "ravao.visits")[-1]["out"] < before


def test_a_one_tap_visit_can_leave_a_companion_at_home(page, venue, other_venue):
    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Lê Thị Hà")
    page.fill("#birth_year", "1980")
    page.check("#q_commitment")
    page.fill("#phone", "0987654321")
    page.locator("summary").click()
    page.fill("#c0_name", "Trần Thị Mai")
    page.fill("#c0_year", "1948")
    page.click("#submit")
    page.wait_for_url("**/r/**")

    page.goto(f"/c/{other_venue.code}")
    page.locator(".companion-on").uncheck()
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert Visit.objects.filter(venue=other_venue).count() == 1
    # ... and she is still remembered for next time.
    assert stored(page, "ravao.me")["companions"][0]["full_name"] == "Trần Thị Mai"


def test_the_page_works_with_javascript_turned_off(chromium, live_server, django_db_serialized_rollback, venue):
    from ravao import testing_browser

    context = testing_browser.new_phone_context(chromium, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/c/{venue.code}")
        page.fill("#full_name", "Phạm Thị Lan")
        page.fill("#birth_year", "1980")
        page.check("#q_commitment")
        page.fill("#id_number", "046095001234")
        page.locator("input[name=q_symptoms][value=fever]").check()
        page.click("#submit")
        page.wait_for_url("**/r/**")
        assert "yellow" in page.locator("#status").get_attribute("class")
        assert "P. T. Lan" in page.locator("#status").inner_text()
        with page.expect_navigation():
            page.click("#checkout")
        assert not page.locator("#checkout").count()
    finally:
        context.close()
    assert Visit.objects.get().checkout_method == "button"


def test_after_replacing_the_qr_the_device_keeps_the_new_link_for_one_tap_visits(page, venue, other_venue):
    from ravao.people.services import holder_person_id

    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Trần Văn Bảo")
    page.fill("#birth_year", "1980")
    page.check("#q_commitment")
    page.fill("#phone", "0905 222 333")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    old = stored(page, "ravao.me")["holder"]
    page.click("#my-qr")
    page.wait_for_url("**/people/me/**")
    with page.expect_navigation():
        page.click("form[action$='reissue'] button")
    assert "?was=" in page.url
    new = stored(page, "ravao.me")["holder"]
    assert new != old and holder_person_id(new) == Person.objects.get().pk and holder_person_id(old) is None

    page.goto(f"/c/{other_venue.code}")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert page.locator("#my-qr").count() == 1
