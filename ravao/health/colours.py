"""A declaration's colour and the reasons for it, through one function.

``colour_and_reasons`` is the one place that turns a questionnaire version and its answers into
(colour, reason codes). Today the colour comes from ``people.questionnaires.evaluate`` (the
first rule with a truthy answer); the reasons are the answers that made that rule match. When
the colour rules become richer data (issue 16, the form as data), only this function changes.
"""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ravao.people import questionnaires

# Short texts for the gate and the visitor ("Yellow: contact with a person with symptoms").
# Any other answer key falls back to its question's label in the questionnaire.
REASON_TEXT = {
    "contact_case": gettext_lazy("contact with a confirmed or suspected case"),
    "contact_symptomatic": gettext_lazy("contact with a person with symptoms"),
    "contact_area": gettext_lazy("contact with a person from a country or area with COVID-19"),
    "contact_abroad": gettext_lazy("contact with a person from a country or area with COVID-19"),
    "symptoms": gettext_lazy("symptoms declared"),
}


def colour_and_reasons(questionnaire, answers: dict) -> tuple[str, list[str]]:
    """(colour, the answer keys that gave it) for cleaned ``answers`` to ``questionnaire``."""
    status = questionnaires.evaluate(questionnaire.rules, questionnaire.default_status, answers)
    for rule in questionnaire.rules:
        if rule["status"] != status:
            continue
        hit = [key for key in rule["any"] if answers.get(key)]
        if hit:
            return status, hit
    return status, []


def declaration_reasons(declaration) -> list[str]:
    """The reason codes of a saved declaration (its answers are decrypted here)."""
    try:
        answers = json.loads(declaration.answers)
    except (TypeError, ValueError):
        return []
    return colour_and_reasons(declaration.questionnaire, answers)[1]


def reason_text(questionnaire, code: str, answers: dict | None = None) -> str:
    """One reason in words, in the active language; symptoms are named."""
    field = next((f for f in (questionnaire.fields if questionnaire else []) if f["key"] == code), None)
    if code == "symptoms" and field and answers and answers.get("symptoms"):
        names = [
            questionnaires.label(field["choice_labels"][c])
            for c in answers["symptoms"]
            if c in field.get("choice_labels", {})
        ]
        if names:
            return _("symptoms (%(names)s)") % {"names": ", ".join(n.lower() for n in names)}
    if code in REASON_TEXT:
        return str(REASON_TEXT[code])
    return questionnaires.label(field["label"]) if field else code


def reasons_text(questionnaire, codes, answers: dict | None = None) -> str:
    return "; ".join(reason_text(questionnaire, code, answers) for code in codes)
