"""Venue manager and gate staff pages: my venues, who is inside now, today's visits (masked),
and today's list as a spreadsheet. Scoped through Venue.objects.restrict (officials of the
venue's area see the same masked view)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.audit.services import audit_record
from ravao.checkins import selectors
from ravao.checkins.models import CheckoutMethod, HealthStatus, Visit
from ravao.core.errors import ServiceError
from ravao.core.spreadsheet import XlsxSheet, xlsx_bytes, xlsx_workbook


def _venue(request, code):
    try:
        return selectors.venue_for_viewer(user=request.user, code=code)
    except ServiceError:
        raise Http404(_("No venue with this code among the venues you may see.")) from None


@login_required
def venue_list(request):
    venues = list(selectors.venues_of(user=request.user)[:200])
    now = timezone.now()
    inside = {
        row["venue_id"]: row["n"]
        for row in Visit.objects.filter(
            venue_id__in=[v.pk for v in venues],
            checked_in_at__gte=now - selectors.MAX_STAY,
            checked_in_at__lte=now,
            checked_out_at__gt=now,
        )
        .values("venue_id")
        .annotate(n=Count("id"))
    }
    rows = [{"venue": v, "inside": inside.get(v.pk, 0)} for v in venues]
    return render(request, "checkins/venue_list.html", {"rows": rows})


@login_required
def venue_today(request, code: str):
    venue = _venue(request, code)
    now = timezone.now()
    counts = selectors.venue_counts(venue=venue, now=now)
    inside = selectors.masked_rows(selectors.visits_inside(venue=venue, now=now), limit=500)
    today = selectors.masked_rows(selectors.visits_today(venue=venue, now=now), limit=2000)
    return render(
        request,
        "checkins/venue_today.html",
        {"venue": venue, "counts": counts, "inside": inside, "today": today, "now": now},
    )


@login_required
def venue_export(request, code: str):
    venue = _venue(request, code)
    now = timezone.now()
    rows = selectors.masked_rows(selectors.visits_today(venue=venue, now=now), limit=100_000)
    audit_record(
        user=request.user,
        action="export",
        object_type="checkins.visit",
        object_id=venue.code,
        purpose="venue daily list (masked)",
        unit=venue.unit,
        request=request,
        detail={"rows": len(rows)},
    )
    wb = xlsx_workbook()
    sheet = XlsxSheet(
        wb,
        _("Visits"),
        [
            _("Checked in"),
            _("Checked out"),
            _("Check-out"),
            _("Name (masked)"),
            _("Birth year"),
            _("Status"),
            _("Entrance"),
            _("Companion of visit"),
        ],
        [17, 17, 14, 22, 10, 14, 18, 10],
    )
    status_labels, method_labels = dict(HealthStatus.choices), dict(CheckoutMethod.choices)
    for r in rows:
        sheet.append(
            [
                r["checked_in_at"],
                r["checked_out_at"],
                str(method_labels.get(r["checkout_method"], r["checkout_method"])),
                r["masked_name"],
                r["birth_year"],
                str(status_labels.get(r["status"], r["status"])),
                r["entrance"],
                r["companion_of"],
            ]
        )
    sheet.close()
    response = HttpResponse(
        xlsx_bytes(wb), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="ravao-{venue.code}-{stamp}.xlsx"'
    return response
