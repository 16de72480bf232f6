"""The 2666 declaration on a phone (360×740): a first-time check-in answering every field, and a
new form version published by the national administrator used by the next check-in at once."""

import copy
import json

import pytest

from ravao.people.default_form import DEFAULT_FORM
from ravao.people.models import Declaration, Person
from ravao.testing import Role, make_user
from ravao.units.models import UnitMapping

pytestmark = pytest.mark.browser


def test_a_first_time_check_in_answers_every_2666_field(page, venue, small_map):
    UnitMapping.objects.create(old=small_map.legacy_commune_a1, new=small_map.commune_a)
    page.goto(f"/c/{venue.code}")
    # The browser refuses an empty required field before anything is sent.
    page.click("#submit")
    assert page.evaluate("document.querySelector('#full_name').validity.valueMissing")
    assert page.url.endswith(f"/c/{venue.code}")

    page.fill("#full_name", "Nguyễn Thị Hoa")
    page.fill("#birth_year", "1987")
    page.select_option("#sex", "female")
    page.select_option("#nationality", "VN")
    page.fill("#id_number", "046187001234")
    page.fill("#phone", "0905 123 456")
    # The address in the old map (before 2025): the picker suggests from /api/v1/units.
    page.select_option("#unit_generation", "legacy")
    page.fill("#unit", "Phú Thuận")
    page.wait_for_function("document.querySelectorAll('#unit-options option').length > 0")
    page.fill("#unit", page.eval_on_selector("#unit-options option", "o => o.value"))
    page.fill("#street", "12 Lê Lợi")
    page.fill("#q_visited", "Đà Nẵng")
    page.check("input[name=q_symptoms][value=pneumonia]")
    page.check("input[name=q_contact_case][value=no]")
    page.check("input[name=q_contact_from_abroad][value=no]")
    page.check("input[name=q_contact_symptomatic][value=yes]")
    assert "xử lý hình sự" in page.locator(".commit").inner_text()
    page.check("#q_commitment")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert "yellow" in page.locator("#status").get_attribute("class")

    person = Person.objects.get()
    assert (person.full_name, person.birth_year, person.sex, person.nationality) == (
        "Nguyễn Thị Hoa",
        1987,
        "female",
        "VN",
    )
    assert person.id_number == "046187001234" and person.phone == "+84905123456"
    assert person.unit_id == small_map.commune_a.pk and person.street == "12 Lê Lợi"  # mapped to today's commune
    declaration = Declaration.objects.get()
    answers = json.loads(declaration.answers)
    assert answers["symptoms"] == ["pneumonia"] and answers["contact_symptomatic"] is True
    assert answers["commitment"] is True and answers["visited"] == "Đà Nẵng"
    assert (declaration.status, declaration.reasons) == ("yellow", "symptoms,contact_symptomatic")

    # Next visit: one tap, the same version.
    page.goto(f"/c/{venue.code}")
    assert page.locator("#me-name").is_visible() and not page.locator("#full_name").is_visible()
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert Declaration.objects.count() == 2


def test_a_published_version_is_used_by_the_next_check_in_without_a_restart(
    page, phone_context, login_as, chromium, live_server, venue
):
    # A returning visitor's device knows version 1.
    page.goto(f"/c/{venue.code}")
    page.fill("#full_name", "Lê Văn Tâm")
    page.fill("#birth_year", "1975")
    page.fill("#phone", "0912 000 111")
    page.check("#q_commitment")
    page.click("#submit")
    page.wait_for_url("**/r/**")

    # The national administrator publishes version 2 (preview first) in another browser.
    from ravao import testing_browser

    admin_context = testing_browser.new_phone_context(chromium, live_server.url)
    admin = admin_context.new_page()
    login_as(make_user("quantri", Role.NATIONAL_ADMIN), admin_context)
    data = copy.deepcopy(DEFAULT_FORM)
    data["version"] = "vn-2666-2"
    data["fields"].insert(
        -1,
        {
            "key": "vaccinated",
            "type": "choice",
            "required": True,
            "choices": ["none", "one", "two"],
            "choice_labels": {
                "none": {"vi": "Chưa tiêm", "en": "None"},
                "one": {"vi": "1 mũi", "en": "One dose"},
                "two": {"vi": "2 mũi", "en": "Two doses"},
            },
            "label": {"vi": "Anh/chị đã tiêm vắc-xin COVID-19 mấy mũi?", "en": "COVID-19 vaccine doses?"},
        },
    )
    data["rules"].append({"colour": "yellow", "field": "vaccinated", "values": ["none"], "reason": "unvaccinated"})
    admin.goto("/people/forms/new")
    admin.fill("#definition", json.dumps(data, ensure_ascii=False))
    admin.click("#preview")
    assert "mấy mũi" in admin.locator("#preview-form").inner_text()
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    admin.click("#publish")
    admin.wait_for_url("**/people/forms/")
    assert "vn-2666-2" in admin.locator(".current-version").locator("xpath=../..").inner_text()
    admin_context.close()

    # The visitor's next check-in shows the new form, filled in from the device (not one tap:
    # there is a new question), and the answer counts under version 2's rules.
    page.goto(f"/c/{venue.code}")
    assert page.locator("#full_name").input_value() == "Lê Văn Tâm"
    assert page.locator("#vaccinated, #q_vaccinated").count() == 1
    page.select_option("#q_vaccinated", "none")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert "yellow" in page.locator("#status").get_attribute("class")
    latest = Declaration.objects.order_by("-id").first()
    assert (latest.questionnaire.version, latest.reasons) == ("vn-2666-2", "unvaccinated")
    assert Declaration.objects.order_by("id").first().questionnaire.version == "vn-2666-1"

    # And the visit after that is one tap again.
    page.goto(f"/c/{venue.code}")
    assert page.locator("#me-name").is_visible()
    page.click("#submit")
    page.wait_for_url("**/r/**")
    assert Declaration.objects.order_by("-id").first().questionnaire.version == "vn-2666-2"
