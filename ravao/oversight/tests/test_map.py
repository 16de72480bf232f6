"""The dashboard map: coordinates are numbers the browser reads, in every language (a
Vietnamese page once wrote "154,4" and the SVG stayed blank); units with no scan point are red."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import END_DAY
from ravao.oversight.tests.test_indicators import selectors_now

PERIOD = {"from": (END_DAY - timedelta(days=6)).isoformat(), "to": END_DAY.isoformat()}


def locate(small_map):
    # Coordinates that give fractional positions (154.4, not 154.0) in the 300×300 box.
    for unit, lat, lon in ((small_map.commune_a, 16.4637, 107.5909), (small_map.commune_b, 16.5521, 107.4217)):
        unit.latitude, unit.longitude = lat, lon
        unit.save(update_fields=["latitude", "longitude"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_it_writes_map_coordinates_with_a_decimal_point_in_every_language(small_map, users, lang):
    locate(small_map)
    rollup(now=selectors_now())
    c = Client()
    c.force_login(users["province"])
    html = c.get("/oversight/", {"unit": "46", **PERIOD, "lang": lang}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    circles = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', html)
    assert len(circles) == 2
    for cx, cy in circles:
        assert re.fullmatch(r"\d+(\.\d+)?", cx) and re.fullmatch(r"\d+(\.\d+)?", cy), (cx, cy)
    assert any("." in cx + cy for cx, cy in circles)  # fractional positions really occur
    # No venue in either commune: both lag, whatever their population, and show red.
    assert html.count('class="dot-red"') == 2


@pytest.mark.browser
def test_the_map_is_drawn_in_a_vietnamese_page(page, login_as, small_map, users):
    locate(small_map)
    rollup(now=selectors_now())
    login_as(users["province"])
    page.goto(f"/oversight/?unit=46&from={PERIOD['from']}&to={PERIOD['to']}")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h2", has_text="Bản đồ").count() == 1
    # The browser parsed every coordinate: circles sit where they should, not all at 0,0.
    positions = page.evaluate(
        "() => [...document.querySelectorAll('figure.map circle')].map(c => [c.cx.baseVal.value, c.cy.baseVal.value])"
    )
    assert len(positions) == 2
    assert all(x > 0 and y > 0 for x, y in positions) and positions[0] != positions[1]
    box = page.locator("figure.map circle").first.bounding_box()
    assert box and box["width"] > 0
