"""Versions of the health declaration form, stored as data (``people.Questionnaire``): the
default version (Decision 2666/QĐ-BYT, the domestic declaration), which version is current,
and publishing a new one. The format, the validation of answers and the colour rules are pure
functions in ravao/people/formspec.py.

Which version is current is read from the database on each request that shows or takes a
declaration (one indexed row), so that a version published on one server is used by every
worker at once; the versions themselves never change once published, so each process keeps
them in memory by name.
"""

import json
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ravao.core.errors import Conflict, ServiceError
from ravao.people.default_form import DEFAULT_FORM
from ravao.people.formspec import check_definition, text_of


def load_default(Questionnaire) -> None:
    """Create the default version and make it current (data migrations; idempotent)."""
    data = dict(DEFAULT_FORM)
    version = data.pop("version")
    Questionnaire.objects.exclude(version=version).update(is_current=False)
    Questionnaire.objects.update_or_create(version=version, defaults={**data, "is_current": True})


def label(text: dict) -> str:
    """The label of a bilingual dict in the active language (Vietnamese by default)."""
    from django.utils.translation import get_language

    return text_of(text, get_language() or "vi")


def current_version() -> str | None:
    """The name of the version new declarations answer: read on every call (one small query),
    never kept, so that a publication takes effect in every worker at once."""
    from ravao.people.models import Questionnaire

    current = Questionnaire.objects.filter(is_current=True).order_by("-created_at")
    return current.values_list("version", flat=True).first()


@lru_cache(maxsize=32)
def _by_name(version: str):
    from ravao.people.models import Questionnaire

    return Questionnaire.objects.filter(version=version).first()


def questionnaire(version: str | None = None):
    """The version ``version`` (default: the current one), from this process's memory once
    read (a published version never changes)."""
    name = version or current_version()
    found = _by_name(name) if name else None
    if found is None:
        _by_name.cache_clear()  # a row rolled back in a test, or a version published since
        found = _by_name(name) if name else None
    if found is None:
        raise ServiceError(
            _("Unknown health declaration form version “%(v)s”.") % {"v": (version or "")[:40]},
            code="unknown_form_version",
        )
    return found


def answering(version: str | None):
    """The version a submission answers: the current one. A submission that names another
    version (a page opened before a new one was published) is refused with 409, so that the
    visitor answers the new questions."""
    current = questionnaire()
    if version and version != current.version:
        raise Conflict(
            _("The declaration form has changed since this page was opened: please answer the new form."),
            code="form_changed",
        )
    return current


def forget_cached() -> None:
    _by_name.cache_clear()


def definition(q) -> dict:
    """A version as the JSON an administrator edits (and formspec's functions read)."""
    return q.as_form()


def parse_definition(text: str) -> dict:
    """A version typed as JSON, checked (ServiceError listing every problem)."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise ServiceError(_("This is not valid JSON: %(e)s") % {"e": error}, code="bad_form_json") from None
    problems = check_definition(data)
    if problems:
        raise ServiceError(" ".join(problems), code="bad_form", problems=problems)
    return data


@transaction.atomic
def publish(*, data: dict, by) -> object:
    """Publish a new version (checked with formspec.check_definition) and make it current at
    once. Declarations made before keep the version they answered."""
    from ravao.accounts import policy
    from ravao.audit.models import Action
    from ravao.audit.services import audit_record
    from ravao.people.models import Questionnaire

    policy.require(by, "forms.publish")
    problems = check_definition(data)
    if problems:
        raise ServiceError(" ".join(problems), code="bad_form", problems=problems)
    # Taking the current row's lock makes two publications at once follow each other.
    list(Questionnaire.objects.select_for_update().filter(is_current=True))
    try:
        with transaction.atomic():
            q = Questionnaire.objects.create(
                version=data["version"],
                title=data["title"],
                fields=data["fields"],
                rules=data.get("rules", []),
                default_status=data.get("default_status", "green"),
                valid_hours=data.get("valid_hours", 24),
                is_current=False,
                published_by=by if getattr(by, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise Conflict(
            _("Version “%(v)s” already exists: give the new version another name.") % {"v": data["version"]},
            code="version_exists",
        ) from None
    Questionnaire.objects.exclude(pk=q.pk).update(is_current=False)
    Questionnaire.objects.filter(pk=q.pk).update(is_current=True)
    q.is_current = True
    audit_record(
        user=by, action=Action.CHANGE, object_type="questionnaire", object_id=q.version, purpose="form published"
    )
    return q
