"""The visitor page's plain form: how a POST becomes service inputs.

No Django Form class on purpose: the fields come from the declaration form version (data,
ravao/people/formspec.py), rendered by people/_declaration_fields.html from
``people.formpage.form_items``; the services check everything again.
"""

from ravao.checkins.services import CompanionInput, PersonInput
from ravao.core.errors import ServiceError
from ravao.people import formpage, questionnaires

COMPANION_ROWS = 3


def _version_of(post):
    """The version the page that was submitted showed (the current one if it names none or an
    unknown one): its answers are read by that version's fields."""
    try:
        return questionnaires.questionnaire((post or {}).get("form_version") or None)
    except ServiceError:
        return questionnaires.questionnaire()


def page_form(post=None, errors: dict | None = None, bad: set | None = None) -> dict:
    """The current version's items for the page, with a refused POST's values and errors."""
    return formpage.form_items(questionnaires.questionnaire().as_form(), post, errors, bad)


def form_version(post) -> str:
    return post.get("form_version", "")[:40]


def declaration_from_post(post) -> dict:
    return formpage.answers_from_post(_version_of(post).as_form(), post)


def person_from_post(post) -> PersonInput:
    return PersonInput(
        full_name=post.get("full_name", ""),
        phone=post.get("phone", ""),
        id_number=post.get("id_number", ""),
        birth_year=post.get("birth_year", "") or None,
        sex=post.get("sex", ""),
        nationality=post.get("nationality", "") or "VN",
        unit_code=post.get("unit", ""),
        unit_generation=post.get("unit_generation", "")[:16],
        street=post.get("street", ""),
    )


def companions_from_post(post) -> list[CompanionInput]:
    """Filled companion rows (a row with neither name nor year is ignored)."""
    companions = []
    for i in range(COMPANION_ROWS):
        name = post.get(f"c{i}_name", "").strip()
        year = post.get(f"c{i}_year", "").strip()
        if name or year:
            companions.append(CompanionInput(full_name=name, birth_year=year or None))
    return companions


# Which inputs a refused check-in's error code is about, so the page can mark them.
FIELDS_BY_ERROR = {
    "name_required": ("full_name",),
    "bad_phone": ("phone",),
    "bad_id_number": ("id_number",),
    "contact_required": ("phone", "id_number"),
    "bad_birth_year": ("birth_year",),
    "bad_sex": ("sex",),
    "bad_nationality": ("nationality",),
    "bad_unit": ("unit",),
}


def fields_in_error(code: str, post) -> set[str]:
    """The names of the inputs to mark after an error with ``code`` (companion rows: those with
    a name or a year but not both)."""
    if code == "companion_birth_year":
        bad = set()
        for i in range(COMPANION_ROWS):
            name, year = post.get(f"c{i}_name", "").strip(), post.get(f"c{i}_year", "").strip()
            if name and not year:
                bad.add(f"c{i}_year")
            elif year and not name:
                bad.add(f"c{i}_name")
        return bad
    return set(FIELDS_BY_ERROR.get(code, ()))
