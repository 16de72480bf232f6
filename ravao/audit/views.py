from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date

from ravao.accounts import policy
from ravao.audit.models import Action
from ravao.audit.selectors import audit_list


def audit_page(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not policy.can(request.user, "audit.read"):
        raise PermissionDenied
    g = request.GET
    case = g.get("case", "").strip()
    qs = audit_list(
        user=request.user,
        username=g.get("username", "").strip(),
        action=g.get("action", ""),
        case_id=int(case) if case.isdigit() else None,
        since=parse_date(g.get("since", "")) if g.get("since") else None,
        until=parse_date(g.get("until", "")) if g.get("until") else None,
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(request, "audit/list.html", {"page": page, "actions": Action.choices, "f": g})
