from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ravao.core.navigation import menu_for
from ravao.venues.models import CODE_ALPHABET, CODE_LENGTH


def normalise_venue_code(raw: str) -> str | None:
    """The short code as typed (spaces, dashes, lower case forgiven), or None if it cannot be one."""
    code = "".join(ch for ch in raw.upper() if ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def home(request):
    """The public home page: what Ravao is, and a box to type a venue's short code."""
    raw = request.GET.get("code", "").strip()
    if raw:
        code = normalise_venue_code(raw)
        if code:
            return redirect(f"/c/{code}")
        messages.error(
            request,
            _("“%(code)s” is not a venue code. Codes have %(n)d letters and digits, as printed under the QR code.")
            % {"code": raw[:20], "n": CODE_LENGTH},
        )
    return render(request, "core/home.html", {"code": raw})


@login_required
def dashboard(request):
    """Each role's starting page: the entries of its menu."""
    return render(request, "core/dashboard.html", {"menu": menu_for(request.user)})


def healthz(request):
    """Liveness: this process answers. No database: a database outage must not get healthy
    workers restarted (that is what /readyz is for)."""
    return JsonResponse({"ok": True})


def readyz(request):
    """Readiness: the database answers. 503 (with Retry-After) while it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        response = JsonResponse({"ok": False, "database": False}, status=503)
        response["Retry-After"] = "5"
        return response
    return JsonResponse({"ok": True, "database": True})
