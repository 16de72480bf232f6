"""Oversight pages: the dashboard (unit, children, trend, map, drill-down), sectors, venue
figures and report downloads. Thin: the figures come from ``selectors``; campaign pages are in
``views_campaign`` and guides in ``views_guides``."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.dbrouting import reading_from_replica
from ravao.core.errors import ServiceError
from ravao.oversight import selectors
from ravao.oversight.models import VenueDay
from ravao.oversight.organisations import organisation_rows
from ravao.oversight.reports import CHILD_COLUMNS, LABELS, fmt_value, report_build
from ravao.oversight.rollup import last_rollup_at, local_day

SORT_KEYS = {"name", *CHILD_COLUMNS}


def require_capability(capability: str):
    """Pages for the holders of ``capability`` only (ravao/accounts/policy.py); others get 403."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not policy.can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


require_oversight = require_capability("oversight.view")


def _dates(request) -> tuple[date | None, date | None]:
    out = []
    for name in ("from", "to"):
        raw = request.GET.get(name, "")
        try:
            out.append(date.fromisoformat(raw) if raw else None)
        except ValueError:
            out.append(None)
    return out[0], out[1]


def scope_from_request(request) -> selectors.Scope:
    first, last = _dates(request)
    if first is None and last is None:
        # Pages open on the last 7 days (a trend worth a look; that window is precomputed).
        last = local_day(timezone.now())
        first = last - timedelta(days=6)
    try:
        return selectors.resolve(
            user=request.user,
            unit_code=request.GET.get("unit", ""),
            sector_code=request.GET.get("sector", ""),
            first=first,
            last=last,
            generation=request.GET.get("generation", ""),
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        from django.contrib import messages

        messages.error(request, exc.message)
        return selectors.resolve(
            user=request.user,
            unit_code=request.GET.get("unit", ""),
            sector_code=request.GET.get("sector", ""),
            generation=request.GET.get("generation", ""),
        )


def _query(scope: selectors.Scope, **extra) -> str:
    params = {"generation": scope.generation, "from": scope.first.isoformat(), "to": scope.last.isoformat()}
    if scope.unit is not None:
        params["unit"] = scope.unit.code
    if scope.sector is not None:
        params["sector"] = scope.sector.code
    params.update({k: v for k, v in extra.items() if v is not None})
    return urlencode({k: v for k, v in params.items() if v != ""})


def map_points(children: list[dict]) -> list[dict]:
    """Child units with coordinates, projected into a 300×300 box, coloured by coverage."""
    located = [c for c in children if c["unit"].get("latitude") is not None and c["unit"].get("longitude") is not None]
    if not located:
        return []
    lats = [c["unit"]["latitude"] for c in located]
    lons = [c["unit"]["longitude"] for c in located]
    span = max(max(lats) - min(lats), max(lons) - min(lons)) or 1.0
    points = []
    for c in located:
        p = c["indicators"]["points_per_100_residents"]
        if not c["indicators"]["registered"]:
            colour = "red"  # no scan point at all: lagging whatever the population
        elif p is None:
            colour = "grey"
        else:
            colour = "red" if p < 0.5 else "orange" if p < selectors.TARGET_POINTS_PER_100 else "green"
        points.append(
            {
                "x": round(20 + 260 * (c["unit"]["longitude"] - min(lons)) / span, 1),
                "y": round(280 - 260 * (c["unit"]["latitude"] - min(lats)) / span, 1),
                "colour": colour,
                "name": c["unit"]["name"],
                "code": c["unit"]["code"],
                "points": fmt_value("p", p),
            }
        )
    return points


def cell(key: str, indicators: dict) -> str:
    """A figure as shown; a unique-visitor count that the rollup has not made yet says so."""
    if key == "unique_visitors" and indicators.get("unique_visitors_pending"):
        return _("counting…")
    return fmt_value(key, indicators[key])


@login_required
@require_oversight
@reading_from_replica()
def dashboard(request):
    """A unit's figures, its child units (sortable, lagging ones highlighted), the trend per day,
    the map, and — at the lowest level — its venues."""
    scope = scope_from_request(request)
    doc = selectors.coverage(user=request.user, scope=scope)
    for row in [doc, *doc["children"]]:
        if row["responsible"] and row["responsible"]["target_date"]:
            row["responsible"]["due"] = date.fromisoformat(row["responsible"]["target_date"]).strftime("%d/%m/%Y")
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORT_KEYS else "name"
    desc = request.GET.get("dir") == "desc"
    doc["children"].sort(
        key=(lambda c: c["unit"]["name"])
        if sort == "name"
        else (lambda c: (c["indicators"][sort] is None, c["indicators"][sort] or 0)),
        reverse=desc,
    )
    venues = selectors.venue_rows(user=request.user, scope=scope) if scope.unit and not doc["children"] else None
    ancestors = list(scope.unit.ancestors().filter(pk__in=_visible_ids(request.user, scope))) if scope.unit else []
    columns = [(key, label) for key, label in LABELS if key in CHILD_COLUMNS]
    context = {
        "scope": scope,
        "doc": doc,
        "ancestors": ancestors,
        "venues": venues,
        "figures": [(key, label, cell(key, doc["indicators"])) for key, label in LABELS],
        "by_type": _type_names(doc["indicators"]["venues_by_type"]),
        "columns": columns,
        "sort": sort,
        "desc": desc,
        "rows": [
            {
                "child": c,
                "cells": [cell(k, c["indicators"]) for k, _label in columns],
                "query": _query(scope, unit=c["unit"]["code"], generation=c["unit"]["generation"]),
            }
            for c in doc["children"]
        ],
        "sort_links": {
            k: "?" + _query(scope, sort=k, dir="asc" if (sort == k and desc) else "desc")
            for k in ["name", *CHILD_COLUMNS]
        },
        "trend": selectors.trend(user=request.user, scope=scope),
        "map_points": map_points(doc["children"]),
        "query": _query(scope),
        "report_xlsx": reverse("oversight:report") + "?" + _query(scope, format="xlsx"),
        "report_pdf": reverse("oversight:report") + "?" + _query(scope, format="pdf"),
        "report_docx": reverse("oversight:report") + "?" + _query(scope, format="docx"),
        "sectors_url": reverse("oversight:sectors") + "?" + _query(scope),
        "as_of": last_rollup_at(),
        "counting": any(
            i["unique_visitors_pending"] for i in [doc["indicators"], *(c["indicators"] for c in doc["children"])]
        ),
        "sectors": _sectors(request.user),
        **_responsible(request.user, scope),
        # A department's dashboard lists its organisations (industrial zones, operators…).
        "organisations": organisation_rows(user=request.user, scope=scope)
        if scope.sector is not None or policy.is_sector_limited(request.user)
        else None,
    }
    return render(request, "oversight/dashboard.html", context)


def _responsible(user, scope) -> dict:
    """The link to name who answers for the unit (or the sector in it), for those who may."""
    from ravao.oversight.models import Responsibility

    if scope.unit is None:
        return {}
    row = Responsibility.objects.filter(unit=scope.unit, sector=scope.sector).first()
    may = policy.can(user, "responsibility.edit", row or Responsibility(unit=scope.unit, sector=scope.sector))
    return {"responsible_url": reverse("oversight:responsible") + "?" + _query(scope) if may else None}


def _type_names(by_type: dict) -> list[tuple[str, int]]:
    from ravao.catalog.models import VenueType

    names = {t.code: t.name for t in VenueType.objects.filter(code__in=list(by_type))}
    return sorted(((names.get(code, code), n) for code, n in by_type.items()), key=lambda x: -x[1])


def _visible_ids(user, scope):
    from ravao.units.models import Unit

    return Unit.objects.restrict(user).filter(generation=scope.generation).values("pk")


def _sectors(user):
    from ravao.catalog.models import Sector

    if policy.is_sector_limited(user):
        return Sector.objects.filter(pk=user.sector_id)
    return Sector.objects.order_by("code")


@login_required
@require_oversight
@reading_from_replica()
def sectors(request):
    """The sector view: the unit's indicators per sector."""
    scope = scope_from_request(request)
    rows = selectors.by_sector(user=request.user, scope=scope)
    columns = [(key, label) for key, label in LABELS if key in CHILD_COLUMNS]
    table = [
        {
            "sector": r["sector"],
            "cells": [cell(k, r["indicators"]) for k, _label in columns],
            "lagging": r["indicators"]["lagging"],
            "query": _query(selectors.Scope(scope.unit, r["sector"], scope.first, scope.last, scope.generation)),
        }
        for r in rows
    ]
    return render(
        request,
        "oversight/sectors.html",
        {
            "scope": scope,
            "columns": columns,
            "table": table,
            "back": "?" + _query(scope),
            "as_of": last_rollup_at(),
            "counting": any(r["indicators"]["unique_visitors_pending"] for r in rows),
            "organisations": organisation_rows(user=request.user, scope=scope),
        },
    )


@login_required
@reading_from_replica()
def venue(request, code: str):
    """One venue's figures per day (scans, visitors, first and last scan), within jurisdiction."""
    from ravao.venues.models import Venue

    found = Venue.objects.restrict(request.user).select_related("unit", "venue_type").filter(code=code).first()
    if found is None:
        raise Http404
    days = VenueDay.objects.restrict(request.user).filter(venue=found).order_by("-day")[:60]
    return render(request, "oversight/venue.html", {"venue": found, "days": days, "as_of": last_rollup_at()})


@login_required
@require_oversight
@reading_from_replica()
def report(request):
    """Download the progress report (PDF, DOCX or XLSX) of what the dashboard shows."""
    scope = scope_from_request(request)
    language = request.GET.get("lang") or (request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "vi")
    try:
        content, ctype, name = report_build(
            user=request.user, scope=scope, fmt=request.GET.get("format", "xlsx"), language=language
        )
    except ServiceError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
