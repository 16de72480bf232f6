"""The health declaration form as data: field types, the check of a version before it is
published, the validation of answers against a version, and the colour rules.

Pure functions on plain dicts (a version as ``Questionnaire.as_form()`` gives it): no database,
so that the visitor page, the API, the gate and a lean ingestion path validate alike. Loading,
caching and publishing versions is in ravao/people/questionnaires.py; docs/api-checkins.md
describes the format.

A version: ``{"version", "title": {vi, en}, "valid_hours", "default_status": "green",
"fields": [...], "rules": [...]}``. A field: ``{"key", "type", "label": {vi, en}, "required",
...}`` with, per type:

* ``text``: ``max_length`` (default 500), optional ``format`` ("phone", "id_number": how the
  page's keyboard looks; the identity rules check them);
* ``year``: a year from 1900 to this year;
* ``choice`` (one of) and ``multi`` (any of): ``choices`` and ``choice_labels`` {choice: {vi, en}};
* ``bool``: yes or no;
* ``unit``: a commune of either generation of the map (``level``), resolved by the service;
* ``country``: an ISO 3166 code or a country's name (ravao/people/countries.py);
* ``commitment``: must be ticked; ``warning`` {vi, en} is the legal warning shown with it.

Keys in ``PERSON_KEYS`` are the person's details (kept on the person, not in the declaration's
answers). A rule: ``{"colour": "red"|"yellow", "field", "values": [...]?, "reason", "label": {vi,
en}}``: it matches when the answer to ``field`` is yes, or (``multi``/``choice``) one of
``values`` (any choice if absent). The colour is the most severe match, else ``default_status``.
"""

import re
from datetime import date

from django.utils.translation import gettext as _

from ravao.people.countries import country_code

FIELD_TYPES = ("text", "year", "choice", "multi", "bool", "unit", "country", "commitment")
# The person's details: which type each must have when a version asks for it.
PERSON_KEYS = {
    "full_name": "text",
    "birth_year": "year",
    "sex": "choice",
    "nationality": "country",
    "id_number": "text",
    "phone": "text",
    "unit": "unit",
    "street": "text",
}
# What every version must ask: who the person is, and the birth year the gate checks a typed
# number against (docs/identity.md).
REQUIRED_KEYS = ("full_name", "phone", "id_number", "birth_year")
SEVERITY = {"green": 0, "yellow": 1, "red": 2}
TRUE = ("true", "1", "yes", "on")
FALSE = ("", "false", "0", "no", "off")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class FormInvalid(ValueError):
    """Answers that do not fit the version: ``errors`` maps each field key to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def text_of(labels, lang: str = "vi") -> str:
    """A bilingual ``{vi, en}`` label in ``lang`` (Vietnamese when missing)."""
    if not isinstance(labels, dict):
        return str(labels or "")
    key = "en" if (lang or "vi").startswith("en") else "vi"
    return labels.get(key) or labels.get("vi") or labels.get("en") or ""


def person_fields(form: dict) -> list[dict]:
    return [f for f in form["fields"] if f["key"] in PERSON_KEYS]


def health_fields(form: dict) -> list[dict]:
    return [f for f in form["fields"] if f["key"] not in PERSON_KEYS]


# --- answers ------------------------------------------------------------------------------


def _bool(value):
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, str) and value.strip().lower() in FALSE):
        return False
    if isinstance(value, str) and value.strip().lower() in TRUE:
        return True
    raise ValueError


def _clean_value(field: dict, value):
    """The clean value of one answer, or ValueError with the message for the person."""
    kind = field["type"]
    if kind in ("bool", "commitment"):
        try:
            clean = _bool(value)
        except ValueError:
            raise ValueError(_("Answer yes or no.")) from None
        if kind == "commitment" and not clean:
            raise ValueError(_("Tick the box to confirm that your declaration is true."))
        return clean
    if kind == "multi":
        value = [] if value in (None, "") else ([value] if isinstance(value, str) else value)
        if not isinstance(value, list) or any(v not in field["choices"] for v in value):
            raise ValueError(_("Choose among: %(choices)s.") % {"choices": ", ".join(field["choices"])})
        return [c for c in field["choices"] if c in value]
    if value is None:
        value = ""
    if kind == "year":
        if value == "":
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            year = 0
        if isinstance(value, bool) or not 1900 <= year <= date.today().year:
            raise ValueError(_("The birth year must be between 1900 and this year."))
        return year
    if not isinstance(value, str):
        raise ValueError(_("This answer must be text."))
    value = " ".join(value.split())
    if kind == "choice":
        if value and value not in field["choices"]:
            raise ValueError(_("Choose among: %(choices)s.") % {"choices": ", ".join(field["choices"])})
        return value
    if kind == "country":
        if not value:
            return ""
        code = country_code(value)
        if code is None:
            raise ValueError(_("Choose a country from the list."))
        return code
    if kind == "unit":
        return value[:200]
    limit = int(field.get("max_length", 500))
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value


def _empty(value) -> bool:
    return value in (None, "", [])


def validate(form: dict, answers: dict | None, *, part: str = "all") -> dict:
    """``answers`` (keyed by field) checked against the version ``form``: every error at once
    (``FormInvalid``), else the clean answers of every field of ``part`` ("all", "person":
    the person's details, "health": the rest), missing ones as "nothing declared" (no, an
    empty list, empty text, None). Unknown keys are refused."""
    fields = {"all": form["fields"], "person": person_fields(form), "health": health_fields(form)}[part]
    answers = dict(answers or {})
    errors = {key: _("This question is not in the form.") for key in sorted(set(answers) - {f["key"] for f in fields})}
    clean = {}
    for field in fields:
        key = field["key"]
        try:
            value = _clean_value(field, answers.get(key))
        except ValueError as error:
            errors[key] = str(error)
            continue
        # A required yes/no question must be answered (no is an answer; nothing is not).
        empty = answers.get(key) in (None, "") if field["type"] == "bool" else _empty(value)
        if field.get("required") and empty:
            errors[key] = _("Required.")
            continue
        clean[key] = value
    if errors:
        raise FormInvalid(errors)
    return clean


# --- colour -------------------------------------------------------------------------------


def colour_of(form: dict, answers: dict) -> tuple[str, tuple[str, ...]]:
    """The colour that clean ``answers`` give under the version's rules, with the reason codes
    of the rules that gave it (in rule order): ``("yellow", ("contact_symptomatic",))``."""
    matched = []
    for rule in form.get("rules", ()):
        value = answers.get(rule["field"])
        wanted = rule.get("values")
        if isinstance(value, list):
            hit = bool(set(value) & set(wanted)) if wanted else bool(value)
        elif wanted:
            hit = value in wanted
        else:
            hit = value is True
        if hit:
            matched.append(rule)
    default = form.get("default_status", "green")
    if not matched:
        return default, ()
    colour = max((r["colour"] for r in matched), key=SEVERITY.__getitem__)
    if SEVERITY[colour] < SEVERITY.get(default, 0):
        return default, ()
    reasons = []
    for rule in matched:
        code = rule.get("reason") or rule["field"]
        if rule["colour"] == colour and code not in reasons:
            reasons.append(code)
    return colour, tuple(reasons)


def reason_labels(form: dict, reasons, lang: str = "vi") -> list[str]:
    """What the reason codes mean, in ``lang`` (the rule's label, else the field's)."""
    out = []
    for code in reasons:
        rule = next((r for r in form.get("rules", ()) if (r.get("reason") or r["field"]) == code), None)
        field = next((f for f in form["fields"] if rule and f["key"] == rule["field"]), None)
        out.append(text_of((rule or {}).get("label") or (field or {}).get("label") or code, lang))
    return out


# --- a version before it is published -----------------------------------------------------


def _bilingual(value) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip() for k in ("vi", "en"))


def _check_field(field, seen: set, problems: list) -> None:
    if not isinstance(field, dict) or not KEY.match(str(field.get("key", ""))):
        problems.append(_("Each field needs a key of lower-case letters, digits and “_”: %(f)s") % {"f": field})
        return
    key, kind = field["key"], field.get("type")
    where = _("field “%(key)s”") % {"key": key}
    if key in seen:
        problems.append(_("%(where)s: the key is used twice.") % {"where": where})
    seen.add(key)
    if kind not in FIELD_TYPES:
        problems.append(
            _("%(where)s: unknown type “%(type)s” (one of %(types)s).")
            % {"where": where, "type": kind, "types": ", ".join(FIELD_TYPES)}
        )
        return
    if key in PERSON_KEYS and kind != PERSON_KEYS[key]:
        problems.append(_("%(where)s: must be of type “%(type)s”.") % {"where": where, "type": PERSON_KEYS[key]})
    if not _bilingual(field.get("label")):
        problems.append(_("%(where)s: needs a label in Vietnamese and English.") % {"where": where})
    if kind in ("choice", "multi"):
        choices = field.get("choices")
        labels = field.get("choice_labels") or {}
        codes = choices if isinstance(choices, list) else []
        if not codes or not all(isinstance(c, str) and KEY.match(c) for c in codes):
            problems.append(_("%(where)s: needs a list of choices (lower-case codes).") % {"where": where})
        elif not all(_bilingual(labels.get(c)) for c in choices):
            problems.append(_("%(where)s: each choice needs a label in Vietnamese and English.") % {"where": where})
        if key == "sex" and set(choices or ()) - {"male", "female"}:
            problems.append(_("%(where)s: the choices are “male” and “female”.") % {"where": where})
    if kind == "commitment" and not _bilingual(field.get("warning")):
        problems.append(_("%(where)s: needs the legal warning in Vietnamese and English.") % {"where": where})
    limit = field.get("max_length", 500)
    if kind == "text" and not (isinstance(limit, int) and 1 <= limit <= 2000):
        problems.append(_("%(where)s: max_length must be from 1 to 2000.") % {"where": where})


def check_definition(data) -> list[str]:
    """What is wrong with a version about to be published (empty: nothing)."""
    if not isinstance(data, dict):
        return [_("A version is a JSON object.")]
    problems = []
    if not re.match(r"^[a-z0-9][a-z0-9-]{1,39}$", str(data.get("version", ""))):
        problems.append(_("“version”: 2 to 40 lower-case letters, digits and dashes, e.g. vn-2666-3."))
    if not _bilingual(data.get("title")):
        problems.append(_("“title” needs Vietnamese and English."))
    hours = data.get("valid_hours", 24)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 336:
        problems.append(_("“valid_hours”: a whole number of hours from 1 to 336."))
    if data.get("default_status", "green") not in SEVERITY:
        problems.append(_("“default_status”: green, yellow or red."))
    fields = data.get("fields")
    if not isinstance(fields, list) or not fields:
        return [*problems, _("“fields”: a list of fields.")]
    seen: set = set()
    for field in fields:
        _check_field(field, seen, problems)
    missing = [k for k in REQUIRED_KEYS if k not in seen]
    if missing:
        problems.append(_("Every version asks for: %(keys)s.") % {"keys": ", ".join(missing)})
    by_key = {f.get("key"): f for f in fields if isinstance(f, dict)}
    for key in ("full_name", "birth_year"):
        if key in by_key and not by_key[key].get("required"):
            problems.append(_("field “%(key)s” must be required.") % {"key": key})
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        return [*problems, _("“rules”: a list of rules.")]
    for rule in rules:
        field = by_key.get(rule.get("field")) if isinstance(rule, dict) else None
        if field is None or field.get("type") not in ("bool", "multi", "choice"):
            problems.append(_("A rule names a yes/no or choice field of this version: %(r)s") % {"r": rule})
            continue
        if rule.get("colour") not in ("yellow", "red"):
            problems.append(_("A rule's “colour” is yellow or red: %(r)s") % {"r": rule})
        values = rule.get("values")
        if values is not None and (not isinstance(values, list) or set(values) - set(field.get("choices") or ())):
            problems.append(_("A rule's “values” are choices of its field: %(r)s") % {"r": rule})
        if "label" in rule and not _bilingual(rule["label"]):
            problems.append(_("A rule's “label” needs Vietnamese and English: %(r)s") % {"r": rule})
    return problems
