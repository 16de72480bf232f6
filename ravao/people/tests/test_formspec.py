"""The declaration form as data (ravao/people/formspec.py): field types, required answers, and
the colour rules of each version — pure functions, no database."""

import copy

import pytest
from django.utils import translation

from ravao.people import formspec
from ravao.people.countries import country_code, country_name
from ravao.people.default_form import DEFAULT_FORM

FORM = DEFAULT_FORM
COMPLETE = {"full_name": "Nguyễn Văn An", "birth_year": "1990", "nationality": "VN", "commitment": "yes"}


def invalid(form, answers, **kw) -> dict:
    with pytest.raises(formspec.FormInvalid) as caught:
        formspec.validate(form, answers, **kw)
    return caught.value.errors


def test_the_default_version_is_the_2666_form_and_is_itself_valid():
    keys = [f["key"] for f in FORM["fields"]]
    assert keys[:8] == ["full_name", "birth_year", "sex", "nationality", "id_number", "phone", "unit", "street"]
    assert {"visited", "symptoms", "contact_case", "contact_from_abroad", "contact_symptomatic", "commitment"} <= set(
        keys
    )
    symptoms = next(f for f in FORM["fields"] if f["key"] == "symptoms")
    assert "pneumonia" in symptoms["choices"] and "loss_of_taste_smell" in symptoms["choices"]
    assert formspec.check_definition(FORM) == []


def test_required_answers_and_the_commitment_are_checked_all_at_once():
    errors = invalid(FORM, {"full_name": " ", "commitment": False})
    assert set(errors) == {"full_name", "birth_year", "nationality", "commitment"}
    clean = formspec.validate(FORM, COMPLETE)
    assert clean["birth_year"] == 1990 and clean["commitment"] is True and clean["symptoms"] == []
    assert clean["contact_case"] is False and clean["nationality"] == "VN"


def test_each_type_refuses_what_does_not_fit():
    errors = invalid(
        FORM,
        {
            **COMPLETE,
            "birth_year": "1850",
            "sex": "other",
            "nationality": "Atlantis",
            "symptoms": ["headache"],
            "contact_case": "maybe",
            "street": "x" * 201,
            "favourite_colour": "blue",
        },
    )
    assert set(errors) == {"birth_year", "sex", "nationality", "symptoms", "contact_case", "street", "favourite_colour"}


def test_a_country_is_chosen_by_code_or_by_name_in_either_language():
    assert country_code("vn") == "VN" and country_code("Việt Nam") == "VN" and country_code("viet nam") == "VN"
    assert country_code("Hàn Quốc") == "KR" and country_code("Japan") == "JP" and country_code("XX") is None
    assert country_name("KR", "vi") == "Hàn Quốc" and country_name("KR", "en").startswith("Korea")
    assert formspec.validate(FORM, {**COMPLETE, "nationality": "Nhật Bản"})["nationality"] == "JP"


def test_only_the_health_part_or_only_the_person_part_can_be_checked():
    assert "full_name" not in formspec.validate(FORM, {"commitment": True}, part="health")
    # The commitment is not a person's detail: unknown to that part.
    assert set(invalid(FORM, {"commitment": True}, part="person")) == {
        "commitment",
        "full_name",
        "birth_year",
        "nationality",
    }


@pytest.mark.parametrize(
    "answers, colour, reasons",
    [
        ({}, "green", ()),
        ({"symptoms": ["fever"]}, "yellow", ("symptoms",)),
        ({"contact_symptomatic": True}, "yellow", ("contact_symptomatic",)),
        ({"contact_from_abroad": True}, "yellow", ("contact_from_abroad",)),
        ({"symptoms": ["pneumonia"], "contact_symptomatic": True}, "yellow", ("symptoms", "contact_symptomatic")),
        ({"contact_case": True, "symptoms": ["cough"]}, "red", ("contact_case",)),
    ],
)
def test_the_default_rules_give_the_colour_and_its_reasons(answers, colour, reasons):
    clean = formspec.validate(FORM, {**COMPLETE, **answers})
    assert formspec.colour_of(FORM, clean) == (colour, reasons)


def test_another_version_colours_the_same_answers_by_its_own_rules():
    v2 = copy.deepcopy(FORM)
    v2["version"] = "vn-2666-2"
    v2["rules"] = [
        {"colour": "red", "field": "contact_from_abroad", "reason": "abroad"},
        {"colour": "yellow", "field": "symptoms", "values": ["fever", "pneumonia"], "reason": "fever"},
    ]
    assert formspec.check_definition(v2) == []
    cough = formspec.validate(v2, {**COMPLETE, "symptoms": ["cough"]})
    assert formspec.colour_of(v2, cough) == ("green", ())  # cough alone no longer counts
    assert formspec.colour_of(FORM, cough) == ("yellow", ("symptoms",))
    abroad = formspec.validate(v2, {**COMPLETE, "contact_from_abroad": "yes", "symptoms": ["fever"]})
    assert formspec.colour_of(v2, abroad) == ("red", ("abroad",))
    assert formspec.reason_labels(FORM, ["contact_symptomatic"], "vi") == ["Tiếp xúc với người có biểu hiện bệnh"]


def test_a_version_with_mistakes_is_not_published():
    bad = copy.deepcopy(FORM)
    bad["version"] = "Bad Name"
    bad["fields"] = [f for f in bad["fields"] if f["key"] != "birth_year"]
    bad["fields"].append({"key": "mood", "type": "slider", "label": {"vi": "Tâm trạng", "en": "Mood"}})
    bad["fields"].append({"key": "signed", "type": "commitment", "label": {"vi": "Cam kết", "en": "Pledge"}})
    bad["rules"].append({"colour": "purple", "field": "contact_case"})
    bad["rules"].append({"colour": "red", "field": "nothing_like_it"})
    with translation.override("en"):
        problems = " ".join(formspec.check_definition(bad))
    for expected in ("version", "slider", "legal warning", "birth_year", "purple", "nothing_like_it"):
        assert expected in problems, expected
