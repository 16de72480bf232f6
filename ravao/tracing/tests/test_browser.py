"""Tracing in a real browser at a phone viewport: the tracer opens a case and sees the contacts;
a visitor who checked in through the visitor page is warned by a published exposure window."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ravao.testing import Role, make_user
from ravao.tracing.services import window_publish
from ravao.tracing.tests.factories import BASE, make_person, make_visit
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.browser
H = timedelta(hours=1)


def test_the_tracer_opens_a_case_and_sees_the_contacts(page, login_as, small_map):
    tracer = make_user("truyvet", Role.TRACER, small_map.province)
    cafe = make_venue(small_map.commune_a, "Quán Hương Giang")
    case = make_person("Nguyễn Văn Ca", phone="0912345678", unit=small_map.commune_a)
    near = make_person("Trần Thị Gần", phone="0987654321")
    make_visit(case, cafe, BASE, 60)
    make_visit(near, cafe, BASE + 0.5 * H, 60)
    login_as(tracer)

    page.goto("/tracing/")
    page.fill("#phone", "0912 345 678")
    page.fill("#symptom_onset", (BASE + 24 * H).date().isoformat())
    page.click("#open-case button[type=submit]")
    page.wait_for_url("**/tracing/cases/*/")
    assert "Quán Hương Giang" in page.locator("#case-visits").inner_text()
    page.click("a[href$='/contacts/']")
    page.wait_for_url("**/contacts/")
    card = page.locator("#contacts .contact").first
    assert "Trần Thị Gần" in card.inner_text() and "987654321" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1  # fits a cheap phone


def test_a_visitor_is_warned_by_a_window_matching_a_visit_kept_on_the_phone(page, small_map):
    """The exposure self-check (issue 16): linked from the confirmation, a clear "no match in the
    last 14 days" answer, a warning when a window matches, and nothing cut on a 360 px screen."""
    venue = make_venue(small_map.commune_a, "Chợ Đông Ba", type_code="market")
    other = make_venue(small_map.commune_a, "Nhà sách")
    tracer = make_user("truyvet", Role.TRACER, small_map.province)

    page.goto("/tracing/exposures/")
    answer = page.locator("#exposure-warning")
    answer.filter(has_text="14").wait_for()
    assert "exposure-ok" in answer.get_attribute("class")  # no visits on this phone yet

    # Check in for real: the visitor page writes the visit into localStorage["ravao.visits"].
    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Lê Thị Hà")
    page.fill("#birth_year", "1980")
    page.check("#q_commitment")
    page.fill("#phone", "0987654321")
    page.fill("#birth_year", "1990")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert page.evaluate("JSON.parse(localStorage.getItem('ravao.visits'))[0].venue") == venue.code

    now = timezone.now()
    window_publish(user=tracer, venue_code=other.code, starts_at=now - H, ends_at=now + H, message="Ở nhà " * 40)
    page.click("#exposure-check")  # the confirmation links to the self-check
    page.wait_for_url("**/tracing/exposures/")
    answer.filter(has_text="Không").wait_for()
    assert "exposure-ok" in answer.get_attribute("class")  # a window elsewhere does not match
    assert "14 ngày" in answer.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1  # the advice is not cut
    advice = page.locator("#exposure-windows li").first.bounding_box()
    assert advice["x"] >= 0 and advice["x"] + advice["width"] <= 360

    window_publish(
        user=tracer, venue_code=venue.code, starts_at=now - H, ends_at=now + H, message="Theo dõi sức khỏe 14 ngày"
    )
    requests = []
    page.on("request", lambda r: requests.append((r.url, r.method, r.post_data)))
    page.goto("/tracing/exposures/")
    warning = page.locator("#exposure-warning.exposure-warning")
    warning.wait_for(state="visible")
    assert "Chợ Đông Ba" in warning.inner_text() and "Theo dõi sức khỏe 14 ngày" in warning.inner_text()
    assert "Bạn có thể đã tiếp xúc" in warning.inner_text()  # translated through /jsi18n/
    # The history stayed on the phone: no request carried it.
    assert all(m == "GET" and not d and "Lê" not in u and venue.code not in u for u, m, d in requests)
