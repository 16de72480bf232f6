from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.dateparse import parse_date

from ravao.accounts import policy
from ravao.audit import exports
from ravao.audit.labels import object_label, purpose_label
from ravao.audit.models import Action
from ravao.audit.selectors import audit_list

FILTERS = ("username", "action", "case", "since", "until")


def _day(value: str):
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def _entries(request):
    """The entries the reader may review (scoped by ``audit_list``), filtered as the page's form says."""
    if not policy.can(request.user, "audit.read"):
        raise PermissionDenied
    g = request.GET
    case = g.get("case", "").strip()
    return audit_list(
        user=request.user,
        username=g.get("username", "").strip(),
        action=g.get("action", ""),
        case_id=int(case) if case.isdigit() else None,
        since=_day(g.get("since", "")),
        until=_day(g.get("until", "")),
    )


def audit_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = Paginator(_entries(request), 50).get_page(request.GET.get("page"))
    rows = [
        {"e": e, "what": object_label(e.object_type, e.object_id), "purpose": purpose_label(e.purpose)} for e in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"page": page, "rows": rows, "actions": Action.choices, "f": request.GET, "query": query.urlencode()},
    )


def audit_export(request, fmt: str):
    """The filtered log as XLSX or CSV; the export is recorded in the log itself."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if fmt not in exports.FORMATS:
        raise Http404
    entries = _entries(request)
    filters = {k: request.GET[k][:64] for k in FILTERS if request.GET.get(k)}
    body, content_type, filename = exports.export_audit(
        user=request.user, entries=entries, fmt=fmt, filters=filters, request=request
    )
    return FileResponse(body, as_attachment=True, filename=filename, content_type=content_type)
