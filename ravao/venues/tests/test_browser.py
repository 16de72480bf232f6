"""The self-registration page on a phone-sized browser: unit picker (JS), SMS code, poster."""

import re

import pytest

from ravao.catalog.models import VenueType
from ravao.core.sms import ConsoleSMSBackend
from ravao.venues.models import Venue


@pytest.mark.browser
def test_a_manager_registers_on_a_phone_and_gets_the_poster(page, small_map):
    ConsoleSMSBackend.outbox.clear()
    page.goto("/venues/register/")
    page.fill("#id_name", "Tiệm bánh Mụ Đợi")
    page.select_option("#id_venue_type", str(VenueType.objects.get(code="essential_shop").pk))
    page.fill("#id_unit", "thuan h")
    # The picker fills the datalist from /api/v1/units while typing.
    page.wait_for_function("document.querySelectorAll('#unit-options option').length > 0")
    option = page.eval_on_selector("#unit-options option", "o => o.value")
    assert option == f"{small_map.commune_a.code} — Phường Thuận Hóa, Thành phố Huế"
    page.fill("#id_unit", option)
    page.fill("#id_street", "25 Chi Lăng")
    page.fill("#id_contact_name", "Trần Thị Đợi")
    page.fill("#id_phone", "0935 111 222")
    page.fill("#id_password", "bánh-ngon-mỗi-sáng")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.click(".venue-form button[type=submit]")
    page.wait_for_url("**/venues/register/confirm/")
    code = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    page.fill("#id_code", code)
    page.click("main form:not(.inline) button[type=submit]")
    venue = Venue.objects.get(name="Tiệm bánh Mụ Đợi")
    page.wait_for_url(f"**/venues/{venue.code}/")
    assert venue.unit == small_map.commune_a
    page.wait_for_function("document.querySelector('.poster-preview img').naturalWidth > 0")  # the preview
    link = page.get_by_role("link", name="PDF A4")
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"ravao-{venue.code}-a4.pdf"
