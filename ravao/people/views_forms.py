"""The national administrator's pages for the health declaration form: the versions, a new
version edited as JSON, its preview as a visitor will see it, and publishing it (then every
page, gate and API call uses it at once; declarations made before keep their version)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ravao.accounts import policy
from ravao.core.errors import ServiceError
from ravao.people import formpage, formspec, questionnaires
from ravao.people.models import Questionnaire


def _require(request) -> None:
    if not policy.can(request.user, "forms.publish"):
        raise PermissionDenied(_("Only a national administrator may publish the declaration form."))


@login_required
def form_list(request):
    _require(request)
    versions = Questionnaire.objects.select_related("published_by").order_by("-created_at")
    return render(request, "people/forms.html", {"versions": versions})


def _draft_of(current) -> str:
    """The current version as the starting point of the next one (with a new name)."""
    data = current.as_form()
    head, _sep, tail = data["version"].rpartition("-")
    data["version"] = f"{head}-{int(tail) + 1}" if tail.isdigit() and head else f"{data['version']}-2"
    return json.dumps(data, ensure_ascii=False, indent=2)


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request):
    """GET: the current version as JSON to edit. POST ``preview``: checked, then shown as the
    visitor will see it; POST ``publish``: published (checked again)."""
    _require(request)
    text = request.POST.get("definition", "") if request.method == "POST" else _draft_of(questionnaires.questionnaire())
    problems = []
    if request.method == "POST":
        try:
            data = questionnaires.parse_definition(text)
        except ServiceError as error:
            problems = error.extra.get("problems") or [error.message]
        else:
            if request.POST.get("action") == "publish":
                try:
                    q = questionnaires.publish(data=data, by=request.user)
                except ServiceError as error:
                    problems = error.extra.get("problems") or [error.message]
                else:
                    messages.success(
                        request, _("Version %(v)s is published: new declarations use it now.") % {"v": q.version}
                    )
                    return redirect("people:forms")
            elif request.POST.get("action") == "preview":
                return _preview(request, data, text)
    return render(
        request, "people/form_edit.html", {"definition": text, "problems": problems}, status=400 if problems else 200
    )


def _preview(request, data: dict, text: str):
    lang = request.LANGUAGE_CODE
    rules = [
        {
            "colour": rule["colour"],
            "reason": rule.get("reason") or rule["field"],
            "label": formspec.reason_labels(data, [rule.get("reason") or rule["field"]], lang)[0],
        }
        for rule in data.get("rules", [])
    ]
    return render(
        request,
        "people/form_preview.html",
        {
            "form": formpage.form_items(data),
            "definition": text,
            "rules": rules,
            "valid_hours": data.get("valid_hours", 24),
        },
    )


@login_required
def form_detail(request, version: str):
    _require(request)
    q = Questionnaire.objects.filter(version=version).first()
    if q is None:
        raise Http404
    return render(
        request,
        "people/form_detail.html",
        {"q": q, "definition": json.dumps(q.as_form(), ensure_ascii=False, indent=2)},
    )
