"""What a red colour does, in a real chromium at a phone viewport (360×740): the visitor who
declares red sees the advice and the hotline; the gate of a market refuses a red visitor per the
venue type's rule; staff enrol a person without a smartphone from a typed phone number."""

import pytest

from ravao.checkins.models import GateOutcome, Visit
from ravao.checkins.tests.conftest import checkin_payload, make_venue, member, person_payload
from ravao.health.models import HealthContact
from ravao.people.models import Declaration, Person
from ravao.testing import ApiClient, Role, make_user

pytestmark = pytest.mark.browser
HOTLINE = "0234 3822 222"


def open_scanner(page, login_as, user):
    login_as(user)
    page.goto("/gate/")
    page.wait_for_function("!!window.jsQR && document.activeElement && document.activeElement.id === 'hid'")


def test_a_red_declaration_shows_the_advice_and_the_hotline(page, small_map):
    HealthContact.objects.create(unit=small_map.province, hotline=HOTLINE, health_station="Trạm y tế phường Thuận Hóa")
    venue = make_venue(small_map.commune_a, "hospital", name="Bệnh viện Trung ương Huế")
    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Lê Thị Hà")
    page.fill("#phone", "0987654321")
    page.fill("#birth_year", "1990")
    page.check("input[name=q_contact_case][value=yes]")
    page.check("#q_commitment")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    advice = page.locator("#advice")
    assert advice.is_visible()
    text = advice.inner_text()
    assert HOTLINE in text and "Trạm y tế phường Thuận Hóa" in text
    assert "tiếp xúc với người bệnh" in text.lower()  # the reason, from the declaration just made
    assert page.locator("#advice-instruction").is_visible()  # a hospital sends red to its screening desk
    assert page.locator("#hotline").get_attribute("href") == "tel:02343822222"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    assert page.locator("#exposure-check").is_visible()


def test_the_gate_of_a_market_refuses_a_red_visitor(page, login_as, small_map):
    market = make_venue(small_map.commune_a, "market", name="Chợ Đông Ba")
    guard = member(make_user("bao_ve", Role.GATE_STAFF), market)
    declared = ApiClient().post(
        "/checkins",
        checkin_payload(market.code, declaration={"commitment": True, "contact_case": True}, person=person_payload()),
    )
    assert declared.status_code == 201
    visits = Visit.objects.count()
    open_scanner(page, login_as, guard)
    page.fill("#manual-text", "0912 345 678")
    page.fill("#manual-year", "1990")
    page.click("#manual button[type=submit]")
    page.wait_for_selector("#feedback[data-state=stopped]")
    assert page.locator("#feedback").get_attribute("data-outcome") == "refused"
    assert "Không cho vào" in page.locator("#fb-status").inner_text()
    assert page.locator("#fb-instruction").is_visible() and "1900 9095" in page.locator("#fb-hotline").inner_text()
    assert Visit.objects.count() == visits and GateOutcome.objects.get().outcome == "refused"


def test_staff_enrol_a_person_without_a_smartphone_by_typed_phone(page, login_as, small_map):
    venue = make_venue(small_map.commune_a, name="Quán Cơm Bà Lan")
    guard = member(make_user("bao_ve", Role.GATE_STAFF), venue)
    open_scanner(page, login_as, guard)
    page.click("#enrol-open")
    page.fill("#enrol-number", "0935 246 811")
    page.fill("#enrol-name", "Trần Văn Ba")
    page.fill("#enrol-year", "1948")
    page.select_option("#enrol-sex", "male")
    page.check("#enrol-form input[name=q_commitment]")  # read to the visitor, who confirms
    page.click("#enrol-submit")
    page.wait_for_selector("#feedback[data-state=done]")
    assert "T. V. Ba" in page.locator("#fb-name").inner_text()
    card = page.locator("#fb-card")
    assert card.is_visible() and "/card/" in card.get_attribute("href")
    response = page.request.get(card.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    person = Person.objects.get()
    assert person.birth_year == 1948 and person.phone == "+84935246811"
    assert not Declaration.objects.get(person=person).proven  # a claim until the card is shown
    assert Visit.objects.get().person_id == person.pk
