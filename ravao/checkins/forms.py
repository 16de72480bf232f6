"""The visitor page's plain form: field names and how a POST becomes service inputs.

No Django Form class on purpose: the page is rendered by hand to stay tiny, and the
questionnaire's fields come from data (``Questionnaire.fields``).
"""

from ravao.checkins.services import CompanionInput, PersonInput
from ravao.people import questionnaires

COMPANION_ROWS = 3


def questionnaire_fields(post=None) -> list[dict]:
    """The current questionnaire's fields, with labels in the active language and the values
    of a refused POST (shown again), for templates."""
    post = post if post is not None else {}
    q = questionnaires.questionnaire()
    out = []
    for field in q.fields:
        item = {
            "key": field["key"],
            "type": field["type"],
            "label": questionnaires.label(field["label"]),
            "name": f"q_{field['key']}",
        }
        item["selected"] = post.getlist(item["name"]) if hasattr(post, "getlist") else []
        item["yes"] = post.get(item["name"]) == "yes"
        item["value"] = post.get(item["name"], "")
        if field["type"] == "multi":
            item["choices"] = [(c, questionnaires.label(field["choice_labels"][c])) for c in field["choices"]]
        out.append(item)
    return out


def declaration_from_post(post) -> dict:
    q = questionnaires.questionnaire()
    answers = {}
    for field in q.fields:
        name = f"q_{field['key']}"
        if field["type"] == "multi":
            answers[field["key"]] = post.getlist(name)
        elif field["type"] == "bool":
            answers[field["key"]] = post.get(name) == "yes"
        else:
            answers[field["key"]] = post.get(name, "")
    return answers


def person_from_post(post) -> PersonInput:
    return PersonInput(
        full_name=post.get("full_name", ""),
        phone=post.get("phone", ""),
        id_number=post.get("id_number", ""),
        birth_year=post.get("birth_year", "") or None,
        sex=post.get("sex", ""),
        nationality=post.get("nationality", "") or "VN",
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
