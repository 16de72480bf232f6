from pathlib import Path

from django.contrib import messages
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from ravao.core.venuecodes import CODE_LENGTH, normalise_venue_code


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


def healthz(request):
    """Liveness: this process answers. No database: a database outage must not get healthy
    workers restarted (that is what /readyz is for)."""
    return JsonResponse({"ok": True})


FAVICON = Path(__file__).resolve().parent / "static" / "core" / "favicon.ico"


@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the pages say (pages also
    link the SVG): served by the app, so no 404 in every log."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


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
