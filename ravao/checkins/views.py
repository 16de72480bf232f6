"""Visitor pages: the check-in page a poster opens (/v/<token>) or a typed code opens (/c/<CODE>),
the confirmation screen with its check-out button. They work without JavaScript (plain form
POST, then redirect); visitor.js only remembers the visitor on the device for one-tap visits.

The forms are CSRF-exempt on purpose: they change nothing that belongs to the visitor's session
(a forged check-in needs the identity it would forge), in-app browsers that drop cookies must
still work, and the client_id plus the rate limit already guard against repeats and floods.
"""

import uuid
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ravao.checkins import forms, places, services
from ravao.checkins.models import Visit
from ravao.core.errors import ServiceError
from ravao.core.masking import mask_name
from ravao.health import rules as colour_rules
from ravao.people.services import holder_person_id, holder_token


def _problem(request, error: ServiceError):
    return render(request, "checkins/problem.html", {"message": error.message, "code": error.code}, status=error.status)


def _checkin_page(
    request,
    *,
    venue,
    entrance,
    venue_qr: str = "",
    status: int = 200,
    error: str = "",
    error_code: str = "",
    field_errors: dict | None = None,
):
    if request.method == "GET":
        # Say at once that a suspended venue or a finished event takes no check-ins, rather
        # than after the visitor has filled the form.
        try:
            places.check_venue_open(venue, timezone.now())
        except ServiceError as problem:
            return _problem(request, problem)
    return render(
        request,
        "checkins/checkin.html",
        {
            "venue": venue,
            "entrance": entrance,
            "venue_qr": venue_qr,
            "client_id": request.POST.get("client_id") or uuid.uuid4(),
            "form": forms.page_form(
                request.POST,
                field_errors,
                forms.fields_in_error(error_code, request.POST) if error else set(),
            ),
            "companion_rows": [
                {"i": i, "name": request.POST.get(f"c{i}_name", ""), "year": request.POST.get(f"c{i}_year", "")}
                for i in range(forms.COMPANION_ROWS)
            ],
            "post": request.POST,
            "error": error,
            # The inputs the error is about, marked on the page (the rest stay as typed).
            "bad": forms.fields_in_error(error_code, request.POST) if error else set(),
        },
        status=status,
    )


def _submit(request, *, venue, entrance, venue_qr: str = ""):
    """The form's check-in, at the venue the page has already resolved (a poster is checked
    once per request)."""
    try:
        services.check_rate(request)
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        client_id = uuid.uuid4()
    except ServiceError as error:
        return _checkin_page(
            request, venue=venue, entrance=entrance, venue_qr=venue_qr, status=error.status, error=error.message
        )
    try:
        result = services.checkin_self(
            client_id=client_id,
            venue=venue,
            entrance=entrance,
            person=forms.person_from_post(request.POST),
            declaration=forms.declaration_from_post(request.POST),
            form_version=forms.form_version(request.POST),
            companions=forms.companions_from_post(request.POST),
            holder=request.POST.get("holder", "")[:200],
        )
    except ServiceError as error:
        return _checkin_page(
            request,
            venue=venue,
            entrance=entrance,
            venue_qr=venue_qr,
            status=error.status,
            error=error.message,
            error_code=error.code,
            field_errors=error.extra.get("fields"),
        )
    return redirect(_confirmation_url(result.visit.id, result.receipt, result.holder))


def _confirmation_url(visit_id: int, receipt: str, holder: str) -> str:
    # The holder link goes along only when the check-in gave it (a new person, or a device that
    # proved it is theirs); the confirmation page checks it belongs to the visit's person.
    url = reverse("checkins:confirmation", kwargs={"visit_id": visit_id, "receipt": receipt})
    return f"{url}?{urlencode({'h': holder})}" if holder else url


# never_cache: each load carries its own client_id; a cached copy would give many visitors one.
@never_cache
@csrf_exempt
def poster(request, token: str):
    """The page a poster's QR opens: the signed token is checked (and whether it is current)."""
    try:
        venue, entrance = places.venue_public(venue_qr=token)
    except ServiceError as error:
        return _problem(request, error)
    if request.method == "POST":
        return _submit(request, venue=venue, entrance=entrance, venue_qr=token)
    return _checkin_page(request, venue=venue, entrance=entrance, venue_qr=token)


@never_cache
@csrf_exempt
def by_code(request, code: str):
    """The same page from the short code printed under the poster (typed by hand)."""
    try:
        venue, entrance = places.venue_public(code=code)
    except ServiceError as error:
        return _problem(request, error)
    if venue.code != code:
        return redirect("checkins:by_code", code=venue.code)
    if request.method == "POST":
        return _submit(request, venue=venue, entrance=entrance)
    return _checkin_page(request, venue=venue, entrance=entrance)


@never_cache
def confirmation(request, visit_id: int, receipt: str):
    """The screen shown to the guard: colour, venue, time, masked name; and check-out. The links
    to the personal QR pages only with the holder link the check-in gave (``?h=``): a receipt
    alone does not prove who the visitor is."""
    try:
        visit = services.visit_by_receipt(visit_id=visit_id, receipt=receipt)
    except ServiceError as error:
        return _problem(request, error)
    companions = list(
        Visit.objects.filter(
            venue_id=visit.venue_id, checked_in_at=visit.checked_in_at, companion_of=visit.id
        ).select_related("person")
    )
    now = timezone.now()
    given = request.GET.get("h", "")[:200]
    holder = given if given and holder_person_id(given) == visit.person_id else ""
    return render(
        request,
        "checkins/confirmation.html",
        {
            "visit": visit,
            "receipt": receipt,
            "masked_name": mask_name(visit.person.full_name),
            "checked_out": visit.checked_out_at <= now,
            "companions": [
                {
                    "masked_name": mask_name(c.person.full_name),
                    "birth_year": c.person.birth_year,
                    "status": c.status,
                    "holder": holder_token(c.person) if holder else "",
                }
                for c in companions
            ],
            "holder": holder,
            # Red or yellow: what to do and whom to call (ravao/health/rules.py).
            "advice": colour_rules.advice_for_visit(visit),
            # The birth year is what the gate asks for a typed number: shown only to the
            # person's own device (a receipt alone may come from a typed ID number).
            "birth_year": visit.person.birth_year if holder else None,
        },
    )


@csrf_exempt
@require_POST
def checkout(request, visit_id: int, receipt: str):
    try:
        services.checkout_button(visit_id=visit_id, receipt=receipt)
    except ServiceError as error:
        return _problem(request, error)
    return redirect(_confirmation_url(visit_id, receipt, request.GET.get("h", "")[:200]))
