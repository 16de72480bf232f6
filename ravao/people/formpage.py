"""A declaration form version as the items a page renders (people/_declaration_fields.html):
the visitor page, the gate's form and the administrator's preview show one and the same thing.

Input names: the person's details by their key (``full_name``, ``birth_year``, ``unit``…),
health answers as ``q_<key>``; ``answers_from_post`` reads them back.
"""

from django.conf import settings
from django.utils.translation import get_language

from ravao.people import formspec
from ravao.people.countries import country_choices

# How the page's inputs look, per person detail (keyboard, browser autofill).
INPUT_HINTS = {
    "full_name": {"autocomplete": "name"},
    "phone": {"html_type": "tel", "autocomplete": "tel", "inputmode": "tel"},
    "id_number": {"autocomplete": "off"},
    "street": {"autocomplete": "street-address"},
}


def input_name(field: dict) -> str:
    return field["key"] if field["key"] in formspec.PERSON_KEYS else f"q_{field['key']}"


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def form_items(form: dict, post=None, errors: dict | None = None, bad: set | None = None) -> dict:
    """``{"person": [...], "health": [...], "version", "title"}``: each field with its label in
    the active language, the value of a refused POST, its error, and how to render it."""
    post = post if post is not None else {}
    errors = errors or {}
    bad = bad or set()
    lang = _lang()
    groups = {"person": [], "health": []}
    for field in form["fields"]:
        name = input_name(field)
        kind = field["type"]
        item = {
            "key": field["key"],
            "name": name,
            "type": kind,
            "label": formspec.text_of(field.get("label"), lang),
            "required": bool(field.get("required")) or kind == "commitment",
            "warning": formspec.text_of(field.get("warning"), lang) if field.get("warning") else "",
            "max_length": field.get("max_length", 500),
            "error": errors.get(field["key"], ""),
            "bad": field["key"] in errors or name in bad,
            "value": post.get(name, ""),
            "selected": post.getlist(name) if hasattr(post, "getlist") else [],
            "yes": post.get(name) in ("yes", "on", "true"),
            "html_type": "text",
            **INPUT_HINTS.get(field["key"], {}),
        }
        if kind in ("choice", "multi"):
            labels = field.get("choice_labels", {})
            item["choices"] = [(c, formspec.text_of(labels.get(c, c), lang)) for c in field["choices"]]
        elif kind == "country":
            item["choices"] = country_choices(lang)
            item["value"] = item["value"] or "VN"
        elif kind == "unit":
            item["generation"] = post.get(f"{name}_generation", "") or settings.RAVAO_UNIT_GENERATION
            item["generations"] = UNIT_GENERATIONS
            item["level"] = field.get("level", "commune")
        groups["person" if field["key"] in formspec.PERSON_KEYS else "health"].append(item)
    return {
        "version": form["version"],
        "title": formspec.text_of(form.get("title"), lang),
        "person": groups["person"],
        "health": groups["health"],
        "warning": next((i["warning"] for i in groups["health"] if i["type"] == "commitment"), ""),
    }


class _Generations:
    """The two maps a person may know their commune by (labels translated when shown)."""

    def __iter__(self):
        from django.utils.translation import gettext as _

        current = settings.RAVAO_UNIT_GENERATION
        other = "legacy" if current != "legacy" else "2025"
        names = {"2025": _("current communes (since 01/07/2025)"), "legacy": _("old communes (before 01/07/2025)")}
        return iter([(current, names.get(current, current)), (other, names.get(other, other))])


UNIT_GENERATIONS = _Generations()


def answers_from_post(form: dict, post) -> dict:
    """The health answers of a page's POST, keyed by field (person details are read apart)."""
    answers = {}
    for field in formspec.health_fields(form):
        name = input_name(field)
        if field["type"] == "multi":
            answers[field["key"]] = post.getlist(name)
        elif field["type"] in ("bool", "commitment"):
            answers[field["key"]] = post.get(name) in ("yes", "on", "true")
        else:
            answers[field["key"]] = post.get(name, "")
    return answers
