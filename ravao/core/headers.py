"""Content-Security-Policy and Permissions-Policy on every answer.

The policy is one static string: Ravao's pages load scripts, styles, fonts and images from
their own origin only (vendored npm packages included), with no inline script or style and
nothing from a CDN, so neither nonces nor per-view policies are needed (docs/architecture.md
says why this is a small middleware rather than django-csp). ``RAVAO_CSP`` replaces the policy
(e.g. to add a report-uri); ``off`` sends none.

Permissions-Policy refuses the camera, microphone and location to every page, except a view
decorated with ``allow_camera`` (the gate scanner), which may use the camera of its own origin.
"""

from functools import wraps

from django.conf import settings

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; media-src 'self' blob:; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
NO_DEVICES = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
CAMERA = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def allow_camera(view):
    """This page may use the device's camera (Permissions-Policy ``camera=(self)``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.ravao_camera = True
        return response

    return wrapper


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "RAVAO_CSP", "") or DEFAULT_CSP
        self.csp = "" if policy.strip().lower() == "off" else policy

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = CAMERA if getattr(response, "ravao_camera", False) else NO_DEVICES
        return response
