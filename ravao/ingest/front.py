"""The ingestion front: an ASGI app that answers the check-in hot paths itself and hands every
other request to Django, so that `ravao serve` serves everything on one port.

Hot paths (PostgreSQL only; on SQLite, and with RAVAO_INGEST=0, everything goes to Django):

* ``POST /api/v1/checkins`` — visitor self check-in;
* ``POST /api/v1/scans`` — gate scans with a bearer token (the gate page's session-authenticated
  scans, with their CSRF check, go to Django), and ``POST /api/v1/scans/batch`` (an offline
  queue sent at once: one job, so one group);
* ``POST /api/v1/checkins/<id>/checkout`` — the check-out button.

The front parses the body (orjson), validates it with the API's own schemas (ravao/checkins/api.py)
and queues the job for the process's group writer (writer.py); the job runs the same function as
the Django view (``checkin_answered``, ``scan_answered``, ``checkout_answered``): one definition of
a check-in. Anything the front does not answer itself — a body that fails validation, a control
character, an unknown token, a query string — goes to Django untouched (its body is replayed), so
bad input gets the API's usual 4xx with its message; nothing has been written at that point.

It does not pay Django's per-request cost (request object, middleware chain, URL resolution,
ninja's schema machinery): docs/performance.md has the measurements. What the middleware would
add to these answers it adds too: the language (from ``django_language`` or Accept-Language), the
request id, the security headers.
"""

import asyncio
import time
import uuid

import orjson
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from ravao.accounts.services import token_for_raw
from ravao.checkins import api as checkins_api
from ravao.core import metrics
from ravao.core.errors import ServiceError
from ravao.core.headers import DEFAULT_CSP, NO_DEVICES
from ravao.core.inputs import BadInput, check_json
from ravao.core.observability import ACCEPTED
from ravao.ingest.writer import RETRY_AFTER_SECONDS, GroupWriter, Job

MAX_BODY = 64 * 1024  # a check-in with ten companions and their declarations is a few KB
PREFIX = "/api/v1/"


class _Forward(Exception):
    """Not for the front: hand the request to Django as it came."""


def _static_headers() -> list[tuple[bytes, bytes]]:
    policy = getattr(settings, "RAVAO_CSP", "") or DEFAULT_CSP
    headers = [
        (b"content-type", b"application/json"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", settings.X_FRAME_OPTIONS.encode()),
        (b"referrer-policy", (settings.SECURE_REFERRER_POLICY or "same-origin").encode()),
        (b"cross-origin-opener-policy", (settings.SECURE_CROSS_ORIGIN_OPENER_POLICY or "same-origin").encode()),
        (b"permissions-policy", NO_DEVICES.encode()),
        (b"vary", b"Accept-Language, Cookie"),
    ]
    if policy.strip().lower() != "off":
        headers.append((b"content-security-policy", policy.encode()))
    return headers


class Front:
    def __init__(self, django_app):
        self.django = django_app
        self.enabled = settings.RAVAO_INGEST and connection.vendor == "postgresql"
        self.writer = GroupWriter(
            max_group=settings.RAVAO_INGEST_GROUP,
            max_queue=settings.RAVAO_INGEST_QUEUE,
            writers=settings.RAVAO_INGEST_WRITERS,
            prepare=_prepare,
        )
        self.headers = _static_headers()

    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if kind == "http" and self.enabled and scope["method"] == "POST" and not scope.get("query_string"):
            route = _route(scope["path"])
            if route is not None:
                return await self.fast(route, scope, receive, send)
        if kind == "lifespan":
            return await _lifespan(receive, send)
        return await self.django(scope, receive, send)

    async def fast(self, route, scope, receive, send):
        started = time.monotonic()
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                break
        try:
            if more or len(body) > MAX_BODY:
                raise _Forward
            request = ASGIRequest(scope, _NoBody())
            work = route(request, body)
        except _Forward:
            return await self.django(scope, _replay(body, receive, more), send)
        loop = asyncio.get_running_loop()
        answered = loop.create_future()

        def done(answer):
            loop.call_soon_threadsafe(_settle, answered, answer)

        job = Job(work=work, done=done)
        job.language = translation.get_language_from_request(request)
        if not self.writer.submit(job):
            answer = (503, None, {"Retry-After": str(RETRY_AFTER_SECONDS)})
        else:
            answer = await answered
        await self.respond(send, request, job.language, answer, route, started)

    async def respond(self, send, request, language, answer, route, started):
        status, body, extra = answer
        if body is None:  # 503: the queue is full or the database unreachable
            with translation.override(language):
                body = {
                    "detail": _(
                        "The service is briefly unavailable (database). Nothing was recorded: try again in a few "
                        "seconds."
                    ),
                    "code": "unavailable",
                }
        content = orjson.dumps(body)
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        headers = [
            *self.headers,
            (b"content-language", language.encode()),
            (b"content-length", str(len(content)).encode()),
            (b"x-request-id", (given if ACCEPTED.match(given) else uuid.uuid4().hex).encode()),
        ]
        for name, value in (extra or {}).items():
            headers.append((name.lower().encode(), value.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        _count(route, status, body, time.monotonic() - started)


# --- the routes -----------------------------------------------------------------------------------


def _payload(schema, body: bytes):
    """The validated payload, or _Forward (Django answers bad input with the API's message)."""
    try:
        data = orjson.loads(body)
        if not isinstance(data, dict):
            raise _Forward
        check_json(data)
        return schema.model_validate(data)
    except (orjson.JSONDecodeError, ValidationError, BadInput, ValueError) as error:
        raise _Forward from error


def checkin_route(request, body: bytes):
    payload = _payload(checkins_api.CheckinIn, body)
    return lambda: checkins_api.checkin_answered(request, payload)


def _bearer(request) -> str:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, raw = auth.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip() or "sessionid" in request.COOKIES:
        raise _Forward  # the session (gate page, CSRF) or no credentials: Django's auth answers
    return raw.strip()


def scan_route(request, body: bytes):
    raw = _bearer(request)
    payload = _payload(checkins_api.ScanIn, body)

    def work():
        found = token_for_raw(raw)
        if found is None:
            raise ServiceError(_("Authentication required: send a valid bearer token."), status=401)
        return checkins_api.scan_answered(found.user, payload)

    return work


def scan_batch_route(request, body: bytes):
    raw = _bearer(request)
    payload = _payload(checkins_api.ScanBatchIn, body)

    def work():
        found = token_for_raw(raw)
        if found is None:
            raise ServiceError(_("Authentication required: send a valid bearer token."), status=401)
        return checkins_api.scan_batch_answered(found.user, payload)

    return work


def checkout_route(visit_id: int):
    def route(request, body: bytes):
        payload = _payload(checkins_api.CheckoutIn, body)
        return lambda: checkins_api.checkout_answered(visit_id, payload)

    return route


ROUTES = {PREFIX + "checkins": checkin_route, PREFIX + "scans": scan_route, PREFIX + "scans/batch": scan_batch_route}
ROUTE_PATTERNS = {checkin_route: "api/v1/checkins", scan_route: "api/v1/scans", scan_batch_route: "api/v1/scans/batch"}


def _route(path: str):
    found = ROUTES.get(path)
    if found is not None:
        return found
    if path.startswith(PREFIX + "checkins/") and path.endswith("/checkout"):
        middle = path[len(PREFIX + "checkins/") : -len("/checkout")]
        if middle.isdigit() and len(middle) <= 18:
            return checkout_route(int(middle))
    return None


# --- helpers ----------------------------------------------------------------------------------


def _prepare(job) -> None:
    translation.activate(job.language)


def _settle(future, answer) -> None:
    if not future.done():
        future.set_result(answer)


class _NoBody:
    def read(self, *args):
        return b""


def _replay(body: bytes, receive, more: bool):
    """A ``receive`` that gives the body already read, then the rest of the client's."""
    sent = False

    async def again():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return again


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _count(route, status: int, body, seconds: float) -> None:
    """The same request and check-in metrics as the Django path (ravao/core/metrics.py)."""
    pattern = ROUTE_PATTERNS.get(route, "api/v1/checkins/<id>/checkout")
    try:
        metrics.REQUESTS.labels(pattern, "POST", str(status)).inc()
        metrics.LATENCY.labels(pattern, "POST").observe(seconds)
        endpoint = metrics.API_CHECKIN_ROUTES.get(pattern)
        if endpoint is not None and status in (200, 201):
            answer = "new" if status == 201 else "again"
            for visit in [body, *body.get("companions", [])]:
                metrics.CHECKINS.labels(endpoint, visit.get("channel", ""), visit.get("status", ""), answer).inc()
    except Exception:  # counting must never cost the answer
        pass
