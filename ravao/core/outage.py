"""Database outages answer 503, not 500: JSON with ``Retry-After`` under /api/, a localised page
elsewhere — and one log line when an outage starts and one when it ends (per worker), not a
traceback per request.

A lost connection is caught twice: ``CONN_HEALTH_CHECKS`` (settings) makes Django test a kept
connection before reusing it, so a database restart or a cut connection costs one reconnect,
not a failed request; and when the database really cannot be reached, the ``OperationalError``
or ``InterfaceError`` that the view raises becomes a 503 here. Values the database refuses
(``DataError``: a number out of a column's range, a text too long) and numbers Python cannot
convert (``OverflowError``) are the client's fault: 400.
"""

import logging
import threading
import time

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("ravao.outage")
RETRY_AFTER_SECONDS = 5


class _Outage:
    """This worker's view of the database: since when it has been failing, how many answers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None
        self.refused = 0

    def failed(self, exc: Exception) -> None:
        with self.lock:
            self.refused += 1
            if self.since is not None:
                return
            self.since = time.monotonic()
        logger.error(
            "Database unavailable: answering 503 until it is back (%s: %s)",
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        )

    def succeeded(self) -> None:
        if self.since is None:  # the common case: no lock, no work
            return
        with self.lock:
            if self.since is None:
                return
            seconds, refused = time.monotonic() - self.since, self.refused
            self.since, self.refused = None, 0
        logger.warning("Database back after %.1f s; %d requests were answered 503", seconds, refused)


outage = _Outage()


def unavailable_response(request) -> HttpResponse:
    message = _("The service is briefly unavailable (database). Nothing was recorded: try again in a few seconds.")
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
    else:
        # No request context: the user and the session live in the database that is down.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Django logs every 5xx answer ("Service Unavailable: /path"); this module logs the outage.
    response._has_been_logged = True
    return response


def refused_value_response(request) -> HttpResponse:
    message = _("A value in the request is out of range or too long.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    from ravao.core.inputs import bad_request

    return bad_request(request, message)


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 500:
            outage.succeeded()
        return response

    def process_exception(self, request, exc):
        if isinstance(exc, DataError):
            return refused_value_response(request)
        if isinstance(exc, OverflowError):
            # A number or date beyond what Python or the database can hold came from the request
            # (the input layer and the schemas should have refused it: worth a line to fix that).
            logger.warning("Value out of range in %s %s: %s", request.method, request.path_info[:100], exc)
            return refused_value_response(request)
        if isinstance(exc, (OperationalError, InterfaceError)):
            outage.failed(exc)
            return unavailable_response(request)
        return None
