"""The site's public address, for the links and poster QR codes it prints.

``RAVAO_BASE_URL`` when it is set (production: QR codes must not depend on which host name a
request used). Otherwise the address of the request being served, so that the demo works on any
port (``make demo PORT=8080``) or host name in ``ALLOWED_HOSTS``; outside a request (commands)
the default ``http://127.0.0.1:8000``.
"""

from contextvars import ContextVar

from django.conf import settings

_request: ContextVar = ContextVar("ravao_request", default=None)


def base_url() -> str:
    if settings.RAVAO_BASE_URL_FIXED:
        return settings.BASE_URL
    request = _request.get()
    if request is None:
        return settings.BASE_URL
    # get_host() checks ALLOWED_HOSTS: a forged Host header never reaches a printed link.
    return f"{request.scheme}://{request.get_host()}"


def base_host() -> str:
    """The base URL without its scheme, as printed for people to type ("ravao.example.vn")."""
    return base_url().split("://", 1)[-1]


class RequestBaseURLMiddleware:
    """Makes the current request's address known to ``base_url()`` while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
