"""Health questionnaires as data: the default version (2021 guidance, Decision 2666/QĐ-BYT),
validation of answers against a version, and the rule that turns answers into a status.

A new version is a new ``Questionnaire`` row (``is_current=True``); old declarations keep
pointing at the version they answered.
"""

from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ravao.core.errors import ServiceError

SYMPTOMS = ["fever", "cough", "breathing_difficulty", "sore_throat", "fatigue", "loss_of_taste_smell"]

DEFAULT_VERSION = "vn-2021-1"

DEFAULT_QUESTIONNAIRE = {
    "version": DEFAULT_VERSION,
    "title": {"vi": "Khai báo y tế (theo hướng dẫn 2021)", "en": "Health declaration (2021 guidance)"},
    "valid_hours": 24,
    "default_status": "green",
    "fields": [
        {
            "key": "symptoms",
            "type": "multi",
            "choices": SYMPTOMS,
            "label": {
                "vi": "Trong 14 ngày qua, bạn có triệu chứng nào sau đây?",
                "en": "In the last 14 days, have you had any of these symptoms?",
            },
            "choice_labels": {
                "fever": {"vi": "Sốt", "en": "Fever"},
                "cough": {"vi": "Ho", "en": "Cough"},
                "breathing_difficulty": {"vi": "Khó thở", "en": "Difficulty breathing"},
                "sore_throat": {"vi": "Đau họng", "en": "Sore throat"},
                "fatigue": {"vi": "Mệt mỏi", "en": "Fatigue"},
                "loss_of_taste_smell": {"vi": "Mất vị giác, khứu giác", "en": "Loss of taste or smell"},
            },
        },
        {
            "key": "contact_case",
            "type": "bool",
            "label": {
                "vi": "Trong 14 ngày qua, bạn có tiếp xúc với người bệnh hoặc nghi mắc COVID-19?",
                "en": "In the last 14 days, were you in contact with a confirmed or suspected case?",
            },
        },
        {
            "key": "contact_symptomatic",
            "type": "bool",
            "label": {
                "vi": "Trong 14 ngày qua, bạn có tiếp xúc với người có biểu hiện sốt, ho, khó thở?",
                "en": (
                    "In the last 14 days, were you in contact with someone with fever, cough or difficulty breathing?"
                ),
            },
        },
        {
            "key": "visited",
            "type": "text",
            "max_length": 500,
            "label": {
                "vi": "Trong 14 ngày qua, bạn đã đến những nơi nào (tỉnh, thành phố, quốc gia)?",
                "en": "In the last 14 days, which places (provinces, cities, countries) have you visited?",
            },
        },
    ],
    # Red: contact with a (suspected) case. Yellow: symptoms, or contact with someone who has them.
    # Green: nothing declared.
    "rules": [
        {"status": "red", "any": ["contact_case"]},
        {"status": "yellow", "any": ["symptoms", "contact_symptomatic"]},
    ],
}


def load_default(Questionnaire) -> None:
    """Create the default version (used by the data migration; idempotent)."""
    data = dict(DEFAULT_QUESTIONNAIRE)
    version = data.pop("version")
    Questionnaire.objects.update_or_create(version=version, defaults={**data, "is_current": True})


def label(text: dict) -> str:
    """The label of a bilingual dict in the active language (Vietnamese by default)."""
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    return text.get(lang) or text.get("vi") or text.get("en") or ""


def clean_answers(fields: list[dict], answers: dict | None) -> dict:
    """Answers checked against a version's fields: unknown keys and bad values are refused,
    missing ones become "nothing declared" (empty list, false, empty text)."""
    answers = dict(answers or {})
    known = {f["key"] for f in fields}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ServiceError(
            _("Unknown answers in the health declaration: %(keys)s.") % {"keys": ", ".join(unknown)},
            code="bad_declaration",
        )
    clean = {}
    for field in fields:
        key, kind, value = field["key"], field["type"], answers.get(field["key"])
        if kind == "multi":
            value = [] if value in (None, "") else value
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or any(v not in field["choices"] for v in value):
                raise ServiceError(
                    _("“%(key)s” must be a list drawn from: %(choices)s.")
                    % {"key": key, "choices": ", ".join(field["choices"])},
                    code="bad_declaration",
                )
            clean[key] = [c for c in field["choices"] if c in value]
        elif kind == "bool":
            if value in (None, "", "false", "0", "no", "off"):
                value = False
            elif value in ("true", "1", "yes", "on"):
                value = True
            if not isinstance(value, bool):
                raise ServiceError(_("“%(key)s” must be true or false.") % {"key": key}, code="bad_declaration")
            clean[key] = value
        else:
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ServiceError(_("“%(key)s” must be text.") % {"key": key}, code="bad_declaration")
            clean[key] = " ".join(value.split())[: field.get("max_length", 500)]
    return clean


def evaluate(rules: list[dict], default_status: str, answers: dict) -> str:
    """The status of ``answers``: the first rule with a truthy answer among its keys."""
    for rule in rules:
        if any(answers.get(key) for key in rule["any"]):
            return rule["status"]
    return default_status


@lru_cache(maxsize=8)
def _cached(version: str | None):
    from ravao.people.models import Questionnaire

    qs = Questionnaire.objects.filter(version=version) if version else Questionnaire.objects.filter(is_current=True)
    return qs.order_by("-created_at").first()


def questionnaire(version: str | None = None):
    """The questionnaire ``version`` (default: the current one). Versions never change once
    published, so each process keeps them in memory: the check-in path spends no query here."""
    found = _cached(version)
    if found is None:
        _cached.cache_clear()
        found = _cached(version)
    if found is None:
        raise ServiceError(_("Unknown health questionnaire version “%(v)s”.") % {"v": version}, code="bad_declaration")
    return found


def forget_cached() -> None:
    """Tests and the admin call this after publishing a new current version."""
    _cached.cache_clear()
