"""A declaration's colour and the reasons for it, in words, through one module.

The colour and its reason codes are computed once, when a declaration is saved, by the version's
own rules (``people.formspec.colour_of``, stored in ``Declaration.status`` and ``reasons``).
This module reads them back and puts them into words for the gate, the visitor and the health
department: the rule's label in the version, symptoms named.
"""

import json

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ravao.people import formspec, questionnaires


def colour_and_reasons(questionnaire, answers: dict) -> tuple[str, list[str]]:
    """(colour, reason codes) for clean ``answers`` to ``questionnaire`` under its own rules."""
    colour, reasons = formspec.colour_of(questionnaires.definition(questionnaire), answers)
    return colour, list(reasons)


def declaration_reasons(declaration) -> list[str]:
    """The reason codes saved with a declaration."""
    return [r for r in (declaration.reasons or "").split(",") if r]


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def reason_text(questionnaire, code: str, answers: dict | None = None) -> str:
    """One reason in words, in the active language; symptoms are named."""
    form = questionnaires.definition(questionnaire) if questionnaire else {"fields": [], "rules": []}
    field = next((f for f in form["fields"] if f["key"] == code), None)
    if code == "symptoms" and field and answers and answers.get("symptoms"):
        labels = field.get("choice_labels", {})
        names = [formspec.text_of(labels[c], _lang()) for c in answers["symptoms"] if c in labels]
        if names:
            return _("symptoms (%(names)s)") % {"names": ", ".join(n.lower() for n in names)}
    return formspec.reason_labels(form, [code], _lang())[0]


def reasons_text(questionnaire, codes, answers: dict | None = None) -> str:
    return "; ".join(reason_text(questionnaire, code, answers) for code in codes)


def saved_reasons_text(declaration) -> tuple[tuple[str, ...], str]:
    """A saved declaration's reason codes and their words."""
    try:
        answers = json.loads(declaration.answers)
    except (TypeError, ValueError):
        answers = {}
    codes = tuple(declaration_reasons(declaration))
    return codes, reasons_text(declaration.questionnaire, codes, answers)
