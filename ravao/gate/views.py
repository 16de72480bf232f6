"""The gate scanner page (a PWA for gate staff), its web app manifest and its service worker.

Thin: the page only renders the staff member's venues and the current questionnaire; every scan
goes to the check-in API (POST /api/v1/scans) from the browser, or to the device's queue when
the network is down (static/gate/gate.js).
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ravao.core.headers import allow_camera
from ravao.gate.selectors import declaration_form, gate_config, may_use_gate

STATIC_DIR = Path(__file__).parent / "static" / "gate"
# What the service worker keeps for opening the page offline (besides the page itself).
SHELL_STATIC = [
    "gate/gate.js",
    "gate/gate.css",
    "core/ravao.css",
    "vendor/jsQR.js",
    "core/layout.js",
    "gate/icon-192.png",
    "gate/icon-512.png",
]


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Changes whenever the page's own files change, so that devices drop their old copy."""
    digest = hashlib.sha256()
    for name in ("gate.js", "gate.css"):
        path = STATIC_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    digest.update((Path(__file__).parent / "templates" / "gate" / "sw.js").read_bytes())
    return digest.hexdigest()[:12]


@allow_camera
@never_cache
@login_required
def scanner(request):
    """The scanner: camera, HID scanner and typed numbers, for gate staff and venue managers."""
    if not may_use_gate(request.user):
        raise PermissionDenied(_("Only gate staff and venue managers can use the gate scanner."))
    venues = gate_config(request.user)
    return render(
        request,
        "gate/scanner.html",
        {
            "venues": venues,
            "selected": request.GET.get("venue", ""),
            "declaration": declaration_form(),
        },
    )


def manifest(request):
    """The web app manifest that makes the scanner installable (Add to home screen)."""
    start = reverse("gate:scanner")
    data = {
        "name": _("Ravao gate scanner"),
        "short_name": _("Ravao gate"),
        "description": _("Scan visitors' QR codes and ID cards at the door, also offline."),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#0b3d6b",
        "theme_color": "#0b3d6b",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("gate/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("gate/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def service_worker(request):
    """The service worker, served from /gate/ so that its scope is the scanner."""
    assets = [static(name) for name in SHELL_STATIC] + [reverse("javascript-catalog"), reverse("gate:manifest")]
    body = render_to_string(
        "gate/sw.js",
        {
            "version": json.dumps(shell_version()),
            "page": json.dumps(reverse("gate:scanner")),
            "assets": json.dumps(assets),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
