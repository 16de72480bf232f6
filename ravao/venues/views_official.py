"""Officials' venue pages: the registry of their area (search, filters), exports, import."""

import base64
import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.catalog.models import Sector
from ravao.core.errors import ServiceError
from ravao.core.spreadsheet import csv_value
from ravao.venues import services
from ravao.venues.forms import ImportForm
from ravao.venues.importer import venue_import
from ravao.venues.models import VenueStatus
from ravao.venues.selectors import export_unit, venue_list, venue_types

FILTERS = ("unit", "sector", "type", "status", "verified", "q")


def _official(request, capability: str = "venue.registry"):
    if not policy.can(request.user, capability):
        raise Http404


def _filtered(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    try:
        return filters, venue_list(user=request.user, **filters), None
    except ServiceError as exc:
        return filters, venue_list(user=request.user).none(), exc.message


@login_required
def registry(request):
    _official(request)
    filters, qs, error = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "venues/list.html",
        {
            "page": page,
            "filters": filters,
            "error": error,
            "sectors": Sector.objects.order_by("name_vi"),
            "types": venue_types(),
            "statuses": VenueStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def bulk_posters(request):
    """One PDF page per venue matching the list's filters (the "print all" button)."""
    _official(request)
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    try:
        pdf, _count = services.posters_bulk(by=request.user, size=request.GET.get("size", "A4"), **filters)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('venues:list')}?{request.GET.urlencode()}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ravao-posters-{filters["unit"] or "all"}.pdf"'
    return response


@login_required
def export_csv(request):
    """The filtered registry as CSV (UTF-8 with BOM so that Excel shows Vietnamese correctly)."""
    _official(request)
    _filters, qs, error = _filtered(request)
    if error:
        raise Http404(error)
    # Headers and values in the reader's language (the import reads its own columns: name,
    # type, address, unit, phone — see importer.HEADERS).
    rows = [
        [
            _("Venue code"),
            _("Name"),
            _("Type"),
            _("Sector"),
            _("Unit code"),
            _("Unit"),
            _("Street"),
            _("Status"),
            _("Verified"),
            _("Contact phone"),
        ]
    ]
    for v in qs.iterator(chunk_size=2000):
        rows.append(
            [
                v.code,
                v.name,
                v.venue_type.name,
                v.sector.name,
                v.unit.code,
                v.unit.name,
                v.street,
                v.get_status_display(),
                v.verified,
                v.contact_phone,
            ]
        )
    # The contact phones are personal data for household businesses: the export is audited,
    # with the unit it covers (the filter's, else the official's own) so that the auditors of
    # that area see it in their scoped log.
    audit_record(
        user=request.user,
        action=Action.EXPORT,
        object_type="venue_registry",
        unit=export_unit(user=request.user, unit_code=_filters["unit"]),
        request=request,
        detail={"rows": len(rows) - 1, "filters": {k: v for k, v in request.GET.items() if v}},
    )
    out = io.StringIO()
    csv.writer(out).writerows([[csv_value(c) for c in row] for row in rows])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ravao-venues.csv"'
    return response


@login_required
def import_page(request):
    _official(request, "venue.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = rejects = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = venue_import(
                user=request.user,
                data=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                keep_good=form.cleaned_data["keep_good"],
            )
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            if report.errors:
                # The rows to fix, as a file the browser saves (no server state between requests).
                rejects = base64.b64encode(report.rejects_xlsx()).decode()
            if report.errors and report.committed:
                messages.warning(
                    request,
                    _("Imported %(new)s venues; %(n)s rows have errors and were left out.")
                    % {"new": report.created, "n": len(report.errors)},
                )
            elif report.errors and report.keep_good:
                messages.error(request, _("%(n)s rows have errors.") % {"n": len(report.errors)})
            elif report.errors:
                messages.error(request, _("%(n)s rows have errors; nothing was imported.") % {"n": len(report.errors)})
            elif report.dry_run:
                messages.success(
                    request,
                    _(
                        "The file is correct: %(new)s new venues, %(old)s already registered. Untick “Check only” "
                        "to import."
                    )
                    % {"new": report.to_create, "old": report.existing},
                )
            else:
                messages.success(
                    request,
                    _("Imported %(new)s venues (%(old)s were already registered).")
                    % {"new": report.created, "old": report.existing},
                )
    return render(request, "venues/import.html", {"form": form, "report": report, "rejects": rejects})
