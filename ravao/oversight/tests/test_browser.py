"""In a phone-sized chromium: drill down from a province to a commune to a venue."""

from datetime import timedelta

import pytest

from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY, make_random_data
from ravao.oversight.tests.test_indicators import selectors_now

pytestmark = pytest.mark.browser


def test_it_drills_down_from_province_to_commune_to_venue(page, login_as, small_map, users):
    make_random_data(small_map, seed=41)
    rollup(now=selectors_now())
    login_as(users["province"])
    first = (END_DAY - timedelta(days=6)).isoformat()
    page.goto(f"/oversight/?unit=46&from={first}&to={END_DAY.isoformat()}")
    assert page.locator("#unit-name").inner_text().startswith("Thành phố Huế")
    # The trend chart was drawn by the vendored chart.js, with the translated labels.
    assert page.evaluate("() => !!(window.Chart && Chart.getChart('trend'))")
    assert page.evaluate("() => Chart.getChart('trend').data.datasets[0].label") == "Lượt quét"
    page.locator("#children a", has_text="Phường Thuận Hóa").click()
    page.wait_for_load_state()
    assert page.locator("#unit-name").inner_text().startswith("Phường Thuận Hóa")
    venue_link = page.locator("#venues tbody a").first
    name = venue_link.inner_text()
    venue_link.click()
    page.wait_for_load_state()
    assert page.locator("#venue-name").inner_text() == name
    assert page.locator("#venue-days tbody tr").count() >= 1
    # Nothing wider than the phone's screen (tables scroll inside their own box).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
