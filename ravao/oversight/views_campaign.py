"""Campaign pages: the register with progress, adding on the spot, import, one target's actions."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.catalog.models import VenueType
from ravao.core.errors import ServiceError
from ravao.oversight import campaign, services, target_import
from ravao.oversight.models import TargetStatus
from ravao.oversight.views import require_capability
from ravao.units.models import Unit

require_campaign = require_capability("campaign.run")
require_lead = require_capability("campaign.manage")


def _unit(request) -> Unit | None:
    code = request.GET.get("unit") or request.POST.get("unit") or ""
    units = Unit.objects.restrict(request.user)
    if code:
        found = units.filter(
            generation=request.GET.get("generation") or settings.RAVAO_UNIT_GENERATION, code=code
        ).first()
        if found is None:
            raise Http404
        return found
    return None if request.user.is_national else units.filter(pk=request.user.unit_id).first()


def _types(user):
    qs = VenueType.objects.select_related("sector").order_by("code")
    if policy.is_sector_limited(user):
        qs = qs.filter(sector_id=user.sector_id)
    return qs


def _communes(user, unit):
    qs = Unit.objects.restrict(user).filter(children__isnull=True)
    qs = qs.filter(path__startswith=unit.path) if unit else qs.filter(generation=settings.RAVAO_UNIT_GENERATION)
    return qs.order_by("name")[:500]


@login_required
@require_campaign
def register(request):
    """The register of target establishments with progress per commune and per canvasser."""
    unit = _unit(request)
    qs = campaign.targets_in(user=request.user, unit=unit).order_by("unit__name", "name")
    status = request.GET.get("status", "")
    if status in TargetStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("mine"):
        qs = qs.filter(assigned_to=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/campaign.html",
        {
            "unit": unit,
            "page": page,
            "status": status,
            "statuses": TargetStatus.choices,
            "mine": bool(request.GET.get("mine")),
            "by_commune": campaign.progress_by_commune(user=request.user, unit=unit),
            "by_canvasser": campaign.progress_by_canvasser(user=request.user, unit=unit),
            "by_organisation": campaign.progress_by_organisation(user=request.user, unit=unit),
            "may_lead": policy.can(request.user, "campaign.manage"),
        },
    )


@login_required
@require_campaign
def add(request):
    """Add an establishment on the spot (a short form for a phone)."""
    unit = _unit(request)
    communes = _communes(request.user, unit)
    if request.method == "POST":
        try:
            commune = Unit.objects.restrict(request.user).filter(pk=request.POST.get("commune") or 0).first()
            if commune is None:
                raise ServiceError(_("Choose the commune."))
            vt = VenueType.objects.filter(code=request.POST.get("venue_type", "")).first()
            target = services.target_create(
                user=request.user,
                unit=commune,
                name=request.POST.get("name", ""),
                venue_type=vt,
                address=request.POST.get("address", ""),
                phone=request.POST.get("phone", ""),
                notes=request.POST.get("notes", ""),
                status=TargetStatus.GUIDED if request.POST.get("guided") else TargetStatus.NOT_VISITED,
                assigned_to=request.user,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("“%(name)s” was added to the register.") % {"name": target.name})
            return redirect("oversight:target", pk=target.pk)
    return render(
        request,
        "oversight/target_add.html",
        {"communes": communes, "types": _types(request.user), "data": request.POST},
    )


@login_required
@require_campaign
def target(request, pk: int):
    """One establishment: record a visit, assign, or register it as a venue in one tap."""
    try:
        found = services.target_get(user=request.user, pk=pk)
    except ServiceError as exc:
        raise Http404 from exc
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register":
                vt = VenueType.objects.filter(code=request.POST.get("venue_type", "")).first()
                venue = services.target_register_venue(user=request.user, target=found, venue_type=vt)
                messages.success(request, _("Registered as venue %(code)s.") % {"code": venue.code})
            elif action in (TargetStatus.GUIDED, TargetStatus.NOT_VISITED):
                services.target_set_status(
                    user=request.user, target=found, status=action, notes=request.POST.get("notes", "")
                )
                messages.success(request, _("Visit recorded."))
            elif action == "assign":
                policy.require(request.user, "campaign.manage")
                services.target_assign(
                    user=request.user, targets=[found.pk], canvasser=request.POST.get("canvasser", "")
                )
                messages.success(request, _("Assignment saved."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("oversight:target", pk=pk)
    return render(
        request,
        "oversight/target.html",
        {"t": found, "types": _types(request.user), "may_lead": policy.can(request.user, "campaign.manage")},
    )


@login_required
@require_lead
def import_register(request):
    """Import a register from CSV or XLSX: a dry run lists every row's problem; by default nothing
    is written unless every row is valid, or the good rows are imported and the bad ones offered
    as a spreadsheet to fix."""
    result = rejects = None
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
            status = 400
        else:
            try:
                result = target_import.target_import(
                    user=request.user,
                    content=upload.read(),
                    filename=upload.name,
                    dry_run=bool(request.POST.get("dry_run")),
                    keep_good=bool(request.POST.get("keep_good")),
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                if result.rejected:
                    rejects = base64.b64encode(result.rejects_xlsx()).decode()
                if not result.dry_run and (result.created or result.skipped or not result.errors):
                    messages.success(request, _("%(n)d establishments imported.") % {"n": result.created})
                    if result.skipped:
                        messages.info(
                            request,
                            _("%(n)d were already in the register and were left as they are.") % {"n": result.skipped},
                        )
                    if not result.errors:
                        return redirect(reverse("oversight:campaign"))
    return render(
        request,
        "oversight/import.html",
        {"result": result, "rejects": rejects, "columns": target_import.IMPORT_COLUMNS},
        status=status,
    )


@login_required
@require_lead
def export(request):
    """The campaign's progress as XLSX: per commune, per organisation, per canvasser, and the
    register itself."""
    from ravao.oversight.campaign_export import campaign_xlsx

    unit = _unit(request)
    content = campaign_xlsx(user=request.user, unit=unit)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ravao-campaign-{unit.code if unit else "country"}.xlsx"'
    return response
