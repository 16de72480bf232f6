"""Health department pages: the red and yellow declarants to follow up (list, XLSX export, mark)
and the health settings (hotline, automatic warnings, what each venue type does per colour).
Thin: selectors and services do the work and the checks."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from ravao.accounts import policy
from ravao.catalog.models import VenueType
from ravao.core.errors import Forbidden, NotFound, ServiceError
from ravao.core.spreadsheet import safe_cell
from ravao.health import selectors, services
from ravao.health.models import ColourRule, GateAction, HealthContact
from ravao.health.rules import RISK
from ravao.people.models import HealthStatus


def health_page(capability: str):
    """Logged in, holding ``capability`` (403 otherwise); a NotFound from a service is a 404."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not policy.can(request.user, capability):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except NotFound as exc:
                raise Http404(exc.message) from exc

        return wrapper

    return decorate


def _filters(request):
    status = request.GET.get("status", "")
    return {"status": status if status in RISK else "", "pending": request.GET.get("pending") == "1"}


@health_page("health.followup")
def declarants(request):
    f = _filters(request)
    rows = selectors.declarants(user=request.user, request=request, **f)
    return render(request, "health/declarants.html", {"rows": rows, "f": f, "query": request.GET.urlencode()})


@health_page("health.followup")
def declarants_export(request):
    rows = selectors.declarants(
        user=request.user, purpose="health follow-up export", request=request, **_filters(request)
    )
    wb = Workbook()
    ws = wb.active
    ws.title = _("Risk declarants")[:31]
    ws.append(
        [
            _("Declared at"),
            _("Colour"),
            _("Reasons"),
            _("Full name"),
            _("Phone"),
            _("Birth year"),
            _("Unit"),
            _("Proven"),
            _("Followed up at"),
        ]
    )
    for r in rows:
        ws.append(
            [
                safe_cell(timezone.localtime(r.declared_at).replace(tzinfo=None)),
                safe_cell(str(HealthStatus(r.status).label)),
                safe_cell(r.reasons),
                safe_cell(r.full_name),
                safe_cell(r.phone),
                safe_cell(r.birth_year),
                safe_cell(r.unit),
                safe_cell(_("yes") if r.proven else _("no")),
                safe_cell(timezone.localtime(r.followed_up_at).replace(tzinfo=None) if r.followed_up_at else None),
            ]
        )
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ravao-risk-declarants-{timezone.localdate():%Y%m%d}.xlsx"'
    wb.save(response)
    return response


@health_page("health.followup")
@require_POST
def mark(request, declaration_id: int):
    try:
        done = services.follow_up_mark(
            user=request.user, declaration_id=declaration_id, done=request.POST.get("done") != "0", request=request
        )
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as followed up.") if done else _("Follow-up mark removed."))
    return redirect(f"{reverse('health:declarants')}?{request.POST.get('query', '')}")


def _unit_for_settings(user):
    """The province a settings page edits: the official's own province; None (national) for
    national administrators."""
    return None if policy.is_national(user) else user.unit


@health_page("health.settings")
def settings_page(request):
    unit = _unit_for_settings(request.user)
    types = list(VenueType.objects.order_by("code"))
    if request.method == "POST":
        rules = {}
        for vt in types:
            for status in RISK:
                name = f"a_{vt.pk}_{status}"
                if name in request.POST:  # rows the form did not send stay as they are
                    rules[(vt.pk, status)] = (request.POST[name], request.POST.get(f"i_{vt.pk}_{status}", ""))
        try:
            services.settings_save(
                user=request.user,
                unit=unit,
                hotline=request.POST.get("hotline", ""),
                health_station=request.POST.get("health_station", ""),
                auto_warnings=request.POST.get("auto_warnings") == "on",
                margin_minutes=int(request.POST.get("margin_minutes") or 60)
                if (request.POST.get("margin_minutes") or "60").isdigit()
                else -1,
                rules=rules,
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Health settings saved."))
            return redirect("health:settings")
    else:
        services.require_settings(request.user, unit)
    national = {(r.venue_type_id, r.status): r for r in ColourRule.objects.filter(unit__isnull=True)}
    own = {(r.venue_type_id, r.status): r for r in ColourRule.objects.filter(unit=unit)} if unit else national
    contact = HealthContact.objects.filter(unit=unit).first() or HealthContact(unit=unit, hotline="")
    actions = dict(GateAction.choices)
    table = []
    for vt in types:
        cells = []
        for status in RISK:
            rule = own.get((vt.pk, status))
            default = national.get((vt.pk, status))
            cells.append(
                {
                    "name": f"{vt.pk}_{status}",
                    "action": rule.action if rule else (services.INHERIT if unit else GateAction.ADMIT),
                    "instruction": rule.instruction if rule else "",
                    "default": actions[default.action] if default else actions[GateAction.ADMIT],
                }
            )
        table.append({"type": vt, "cells": cells})
    return render(
        request,
        "health/settings.html",
        {
            "unit": unit,
            "contact": contact,
            "national_contact": HealthContact.objects.filter(unit__isnull=True).first(),
            "table": table,
            "actions": GateAction.choices,
            "statuses": [(s, HealthStatus(s).label) for s in RISK],
        },
    )
