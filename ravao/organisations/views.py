"""Pages: the organisations of one's area (add one, place a venue under one) and the canvassers
enlisted from the mass organisations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.errors import ServiceError
from ravao.organisations import selectors, services
from ravao.organisations.models import OrganisationKind
from ravao.units.models import Unit


def _require(request, capability: str) -> None:
    if not policy.can(request.user, capability):
        raise PermissionDenied


def _pick(qs, value):
    """The row of ``qs`` whose pk is ``value`` (a form's select), or None; never a 500 on junk."""
    value = (value or "").strip()
    return qs.filter(pk=int(value)).first() if value.isdigit() and len(value) < 12 else None


def _communes(user):
    qs = Unit.objects.restrict(user).filter(children__isnull=True, generation=settings.RAVAO_UNIT_GENERATION)
    return qs.order_by("name")[:500]


@login_required
def organisations(request):
    """The organisations of one's area, how many venues and canvassers each has; forms to add
    an organisation and to place a venue under one."""
    _require(request, "organisations.view")
    user = request.user
    if request.method == "POST":
        _require(request, "organisations.manage")
        try:
            if request.POST.get("action") == "place":
                from ravao.venues.selectors import venue_for_official

                venue = venue_for_official(user=user, code=request.POST.get("venue", ""), capability="venue.change")
                org = _pick(selectors.structures(user=user), request.POST.get("organisation"))
                services.venue_set_organisation(by=user, venue=venue, organisation=org)
                messages.success(
                    request, _("%(venue)s now belongs to %(org)s.") % {"venue": venue.name, "org": org or "—"}
                )
            else:
                org = services.organisation_create(
                    by=user,
                    name=request.POST.get("name", ""),
                    kind=request.POST.get("kind", ""),
                    parent=_pick(selectors.structures(user=user), request.POST.get("parent")),
                    unit=_pick(Unit.objects.restrict(user), request.POST.get("unit")),
                    name_en=request.POST.get("name_en", ""),
                )
                messages.success(request, _("“%(name)s” was added.") % {"name": org.name})
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("organisations:list")
    kind = request.GET.get("kind", "")
    return render(
        request,
        "organisations/list.html",
        {
            "rows": selectors.organisations_for(user=user, kind=kind if kind in OrganisationKind.values else "")[:500],
            "kinds": OrganisationKind.choices,
            "kind": kind,
            "structures": selectors.structures(user=user)[:500],
            "units": Unit.objects.restrict(user)
            .filter(generation=settings.RAVAO_UNIT_GENERATION)
            .order_by("path")[:500],
            "may_manage": policy.can(user, "organisations.manage"),
        },
    )


@login_required
def canvassers(request):
    """The canvassers of one's area, with their organisation; a form to enlist one."""
    _require(request, "campaign.canvassers")
    user = request.user
    if request.method == "POST":
        try:
            organisation = _pick(selectors.mass_organisations(user=user), request.POST.get("organisation"))
            if organisation is None:
                raise ServiceError(_("Choose the canvasser's organisation."))
            created = services.canvasser_create(
                by=user,
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                unit=_pick(Unit.objects.restrict(user), request.POST.get("unit")),
                organisation=organisation,
                first_name=request.POST.get("first_name", ""),
                last_name=request.POST.get("last_name", ""),
                phone=request.POST.get("phone", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return render(request, "organisations/canvassers.html", _canvasser_context(user, request.POST), status=400)
        messages.success(request, _("%(name)s can now sign in as a canvasser.") % {"name": created.username})
        return redirect("organisations:canvassers")
    return render(request, "organisations/canvassers.html", _canvasser_context(user, {}))


def _canvasser_context(user, data) -> dict:
    return {
        "rows": selectors.canvassers_in(user=user)[:1000],
        "communes": _communes(user),
        "organisations": selectors.mass_organisations(user=user),
        "data": data,
    }
