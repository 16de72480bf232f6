"""Tracer pages (cases, contacts, exports, windows) and the public exposure page. Thin: they call
the same services and selectors as the API."""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ravao.accounts import policy
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.catalog.models import VenueType
from ravao.core.confirm import confirmation, confirmed
from ravao.core.errors import NotFound, ServiceError
from ravao.tracing import exports, selectors, services
from ravao.tracing.imports import case_import
from ravao.tracing.models import CaseStatus, ExposureWindow

# A phone page: contacts by pages (F1 and F2 each), each with its first exposures (the exports have them all).
CONTACTS_PER_PAGE = 50
EXPOSURES_SHOWN = 5


def tracer_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policy.can(request.user, "tracing.trace"):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _int(value, default, lo=0, hi=10**6):
    try:
        return max(lo, min(hi, int(value)))
    except (TypeError, ValueError):
        return default


def _dt(value):
    """A datetime-local input (``YYYY-MM-DDTHH:MM``, local time) or None."""
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ServiceError(_("“%(value)s” is not a date and time.") % {"value": value[:30]})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _date(value):
    return parse_date(value) if value else None


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _safe_next(request, default: str) -> str:
    """``next`` if it is a path or URL of this site, else ``default`` (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@tracer_page
def case_list(request):
    if request.method == "POST":
        p = request.POST
        try:
            case = services.case_open(
                user=request.user,
                phone=p.get("phone", "").strip(),
                id_number=p.get("id_number", "").strip(),
                symptom_onset=_date(p.get("symptom_onset")),
                test_date=_date(p.get("test_date")),
                notes=p.get("notes", ""),
                client_id=_uuid(p.get("client_id")),
                request=request,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Case opened."))
            return redirect("tracing:case", case_id=case.pk)
    status = request.GET.get("status", "")
    page = Paginator(selectors.case_list(user=request.user, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tracing/case_list.html",
        {"page": page, "statuses": CaseStatus.choices, "status": status, "f": request.POST, "client_id": uuid.uuid4()},
    )


@tracer_page
def case_import_page(request):
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            try:
                result = case_import(
                    user=request.user,
                    content=upload.read(),
                    filename=upload.name,
                    dry_run=bool(request.POST.get("dry_run")),
                    request=request,
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                if result.created:
                    messages.success(request, _("%(n)d cases opened.") % {"n": len(result.created)})
    return render(request, "tracing/case_import.html", {"result": result})


def _timeline(case, visits, venues):
    """Bars positioned in percent of the infectious window (a light, script-free timeline)."""
    start, end = case.infectious_from, case.infectious_to
    span = (end - start).total_seconds() or 1
    bars = []
    for v in visits:
        left = max(0.0, (v.checked_in_at - start).total_seconds() / span * 100)
        right = min(100.0, (v.checked_out_at - start).total_seconds() / span * 100)
        bars.append(
            {"visit": v, "venue": venues[v.venue_id], "left": round(left, 2), "width": round(max(0.6, right - left), 2)}
        )
    return bars


@tracer_page
def case_detail(request, case_id):
    case = selectors.case_get(user=request.user, case_id=case_id)
    if request.method == "POST":
        p = request.POST
        try:
            services.case_update(
                user=request.user,
                case=case,
                request=request,
                infectious_from=_dt(p.get("infectious_from")) or case.infectious_from,
                infectious_to=_dt(p.get("infectious_to")) or case.infectious_to,
                isolated_at=_dt(p.get("isolated_at")),
                status=p.get("status", case.status),
                notes=p.get("notes", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            case = selectors.case_get(user=request.user, case_id=case_id)
        else:
            messages.success(request, _("Case saved."))
            return redirect("tracing:case", case_id=case.pk)
    view = selectors.case_contacts(case=case, with_people=False)
    # Notes (clinical free text) and the F0's visit timeline: a read in full.
    audit_record(
        user=request.user,
        action=Action.READ,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        purpose="case page",
        unit=case.unit,
        request=request,
    )
    return render(
        request,
        "tracing/case_detail.html",
        {
            "case": case,
            "view": view,
            "timeline": _timeline(case, view.case_visits, view.venues),
            "alerts": selectors.venues_to_alert(view),
            "statuses": CaseStatus.choices,
            "windows": case.windows.select_related("venue").order_by("starts_at"),
        },
    )


def _filters(request):
    g = request.GET
    return {
        "degree": _int(g.get("degree"), 1, 1, 2),
        "buffer_minutes": _int(g.get("buffer_minutes"), 60, 0, 24 * 60),
        "min_overlap_minutes": _int(g.get("min_overlap_minutes"), 0),
        "venue_type": g.get("venue_type", "")[:40],
        "kind": g.get("kind", "") if g.get("kind") in ("venue", "trip", "event") else "",
        "evidence": g.get("evidence", "") if g.get("evidence") in selectors.EVIDENCE_CHOICES else "",
    }


def _rows(view, contacts):
    rows = []
    for c in contacts:
        shown = c.exposures[:EXPOSURES_SHOWN]
        rows.append(
            {
                "c": c,
                "person": view.people.get(c.person_id),
                "trace": view.traces.get(c.person_id),
                "notified": c.person_id in view.notified,
                "more": len(c.exposures) - len(shown),
                "evidence": view.evidence.get(c.person_id),
                "exposures": [
                    {
                        "e": e,
                        "venue": view.venues[e.visit.venue_id],
                        "kind": selectors.exposure_kind(e.source, view.venues[e.source.venue_id]),
                        "unproven": selectors.exposure_unproven(view.unproven, e),
                        "unverified": selectors.exposure_unverified(view.venues, e),
                    }
                    for e in shown
                ],
            }
        )
    return rows


@tracer_page
def case_contacts(request, case_id):
    """Every F1 contact (paged here, 50 a page), and for degree 2 one page of the F2 contacts
    (``f2_page``), ranked and counted by the engine: the first page costs one SQL ranking, not
    the loading of every F2 contact."""
    case = selectors.case_get(user=request.user, case_id=case_id)
    f = _filters(request)
    f2_number = _int(request.GET.get("f2_page"), 1, 1)
    view = selectors.case_contacts(
        case=case, **f, f2_offset=(f2_number - 1) * CONTACTS_PER_PAGE, f2_limit=CONTACTS_PER_PAGE
    )
    if f["degree"] == 2 and view.f2_count and not view.f2_offset < view.f2_count:  # past the end: the last page
        f2_number = (view.f2_count - 1) // CONTACTS_PER_PAGE + 1
        view = selectors.case_contacts(
            case=case, **f, f2_offset=(f2_number - 1) * CONTACTS_PER_PAGE, f2_limit=CONTACTS_PER_PAGE
        )
    selectors.audit_contacts_read(
        user=request.user,
        case=case,
        view=view,
        purpose="contact list (page)",
        request=request,
        detail={"degree": f["degree"], "f2_offset": view.f2_offset},
    )
    f1_contacts = [c for c in view.contacts if c.degree == 1]
    page = Paginator(f1_contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    f2_page = Paginator(range(view.f2_count), CONTACTS_PER_PAGE).get_page(f2_number)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("f2_page", None)
    query = params.urlencode()
    return render(
        request,
        "tracing/case_contacts.html",
        {
            "case": case,
            "view": view,
            "rows": _rows(view, page),
            "page": page,
            "f": f,
            "query": query,
            "f2_rows": _rows(view, [c for c in view.contacts if c.degree == 2]),
            "f2_page": f2_page,
            "venue_types": VenueType.objects.order_by("code"),
        },
    )


@tracer_page
@require_POST
def contact_mark(request, case_id, person_id):
    case = selectors.case_get(user=request.user, case_id=case_id)
    p = request.POST
    listed = QueryDict(p.get("query", ""))  # the contact list's filters: its buffer, its degree
    services.contact_mark(
        user=request.user,
        case=case,
        person_id=person_id,
        degree=_int(p.get("degree"), 1, 1, 2),
        buffer_minutes=_int(listed.get("buffer_minutes"), 60, 0, 24 * 60),
        request=request,
        email=p.get("email"),
        reached=bool(p.get("reached")),
        isolated=bool(p.get("isolated")),
        tested=bool(p.get("tested")),
    )
    messages.success(request, _("Follow-up saved."))
    return redirect(f"{reverse('tracing:contacts', args=[case.pk])}?{p.get('query', '')}")


@tracer_page
@require_POST
def case_notify(request, case_id):
    case = selectors.case_get(user=request.user, case_id=case_id)
    f = _filters(request)
    back = f"{reverse('tracing:contacts', args=[case.pk])}?{request.GET.urlencode()}"
    if not confirmed(request):
        return _notify_confirmation(request, case, f, back)
    counts = services.notify_contacts(
        user=request.user, case=case, views=selectors.contact_batches(case=case, **f), request=request
    )
    messages.success(
        request,
        _("Messages sent: %(sent)d; already notified: %(already)d; without phone or e-mail: %(unreachable)d.") % counts,
    )
    return redirect(back)


def _notify_confirmation(request, case, f, back):
    """The preview before anything is sent: the message, how many get it and by which channel."""
    p = services.notify_preview(user=request.user, case=case, views=selectors.contact_batches(case=case, **f))
    recipients = p["sms"] + p["email"]
    facts = [
        (_("SMS to send"), p["sms"]),
        (_("E-mails to send"), p["email"]),
        (_("Already notified (not sent again)"), p["already"]),
        (_("Without phone or e-mail"), p["unreachable"]),
    ]
    if not recipients:
        messages.info(request, _("Nobody to notify: every contact in this list is already notified or unreachable."))
        return redirect(back)
    return confirmation(
        request,
        title=ngettext(
            "Send %(n)d message to the contacts of F0 #%(case)s?",
            "Send %(n)d messages to the contacts of F0 #%(case)s?",
            recipients,
        )
        % {"n": recipients, "case": case.pk},
        facts=facts,
        preview=p["text"],
        preview_label=_("The message (venue and time differ per contact)"),
        consequences=[
            _("Messages go out at once and cannot be recalled; each contact gets at most one per case."),
            _("Only the contacts kept by the list's current filters are notified."),
        ],
        confirm_label=ngettext("Send %(n)d message", "Send %(n)d messages", recipients) % {"n": recipients},
        cancel_url=back,
    )


@tracer_page
def case_export(request, case_id, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    case = selectors.case_get(user=request.user, case_id=case_id)
    body, content_type, filename = exports.export_case(
        user=request.user, case=case, fmt=fmt, request=request, **_filters(request)
    )
    return FileResponse(body, as_attachment=True, filename=filename, content_type=content_type)


@tracer_page
def windows_page(request):
    if request.method == "POST":
        p = request.POST
        case = None
        try:
            if p.get("withdraw"):
                services.window_withdraw(user=request.user, window_id=_int(p.get("withdraw"), 0))
                messages.success(request, _("Window withdrawn."))
            else:
                case = selectors.case_get(user=request.user, case_id=p["case"]) if p.get("case") else None
                services.window_publish(
                    user=request.user,
                    venue_code=p.get("venue", ""),
                    starts_at=_dt(p.get("from")),
                    ends_at=_dt(p.get("to")),
                    message=p.get("message", ""),
                    case=case,
                )
                messages.success(request, _("Exposure window published."))
            default = reverse("tracing:case", args=[case.pk]) if case else reverse("tracing:windows")
            return redirect(_safe_next(request, default))
        except (ServiceError, TypeError) as exc:
            messages.error(request, getattr(exc, "message", _("Give the venue, the start and the end.")))
    windows = ExposureWindow.objects.restrict(request.user).select_related("venue").order_by("-starts_at")[:200]
    return render(request, "tracing/windows.html", {"windows": windows, "f": request.POST or request.GET})


def exposures_public(request):
    """Public: the current windows, and the check of this device's own visits (in exposure.js)."""
    return render(request, "tracing/exposures.html", {"windows": selectors.windows_current()})
