"""The page that names who answers for a unit (or a sector in it): person, title, target date,
commitments. Thin: the write is ``responsibility.responsibility_set``."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.errors import ServiceError
from ravao.oversight.models import Responsibility
from ravao.oversight.responsibility import responsibility_set
from ravao.oversight.titles import default_title
from ravao.oversight.views import _query, require_oversight, scope_from_request


@login_required
@require_oversight
def responsible(request):
    """GET: the form (filled in); POST: save and go back to the dashboard."""
    scope = scope_from_request(request) if request.method == "GET" else _post_scope(request)
    if scope.unit is None:
        raise Http404
    current = Responsibility.objects.filter(unit=scope.unit, sector=scope.sector).first()
    subject = current or Responsibility(unit=scope.unit, sector=scope.sector)
    if not policy.can(request.user, "responsibility.edit", subject):
        raise PermissionDenied
    back = reverse("oversight:dashboard") + "?" + _query(scope)
    data = request.POST if request.method == "POST" else None
    if data is not None:
        try:
            raw = data.get("target_date", "").strip()
            try:
                target = date.fromisoformat(raw) if raw else None
            except ValueError:
                raise ServiceError(_("The target date is not a date.")) from None
            responsibility_set(
                by=request.user,
                unit=scope.unit,
                sector=scope.sector,
                person_name=data.get("person_name", ""),
                title=data.get("title", ""),
                target_date=target,
                commitments=data.get("commitments", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request,
        "oversight/responsible.html",
        {
            "scope": scope,
            "current": current,
            "data": data,
            "default_title": default_title(scope.unit, scope.sector),
            "back": back,
        },
        status=400 if data is not None else 200,
    )


def _post_scope(request):
    from ravao.oversight import selectors

    try:
        return selectors.resolve(
            user=request.user,
            unit_code=request.POST.get("unit", ""),
            sector_code=request.POST.get("sector", ""),
            generation=request.POST.get("generation", ""),
        )
    except ServiceError as exc:
        raise Http404(exc.message) from exc
