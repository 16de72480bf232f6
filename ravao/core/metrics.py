"""Prometheus metrics at ``/metrics`` (docs/deployment.md, "Metrics and logs").

Counted as requests are answered (``ravao.core.observability.RequestMiddleware``): requests by
route and status with latency histograms, and check-ins and gate scans by channel and colour,
read from the answers of the check-in API and the visitor pages — outside the check-in
service. Failed log-ins come from Django's ``user_login_failed`` signal. Measured when
scraped: replica lag (``ravao.core.dbrouting``) and the oversight rollup's lag and duration
(its ``RollupState`` row).

Under ``ravao serve`` with several server workers (granian) each worker counts in its own files under
``PROMETHEUS_MULTIPROC_DIR`` (set by the serve command) and a scrape adds them up
(prometheus-client's multiprocess mode); elsewhere (runserver, tests, one worker without the
variable) the process's own registry answers.

Who may read it: a bearer token (``RAVAO_METRICS_TOKEN``) when one is set, otherwise the
addresses of ``RAVAO_METRICS_ALLOW`` (default the machine itself) — compared with the socket's
address, so behind a reverse proxy on the same host set a token or refuse /metrics there.
"""

import hmac
import json
import os
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter(
    "ravao_http_requests", "HTTP requests answered, by route pattern, method and status.", ["route", "method", "status"]
)
LATENCY = Histogram(
    "ravao_http_request_duration_seconds",
    "Time to answer a request, by route pattern.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CHECKINS = Counter(
    "ravao_checkins",
    "Check-ins and gate scans answered, per visit (companions count): by "
    "endpoint, channel, colour and answer (new: 201; again: a repeat, an exit or a replayed "
    "client_id answered 200).",
    ["endpoint", "channel", "colour", "answer"],
)
LOGIN_FAILURES = Counter("ravao_login_failures", "Log-ins refused for a wrong user name or password.")

# The check-in answers counted (url names of ravao.checkins).
API_CHECKIN_ROUTES = {"api/v1/checkins": "checkin", "api/v1/scans": "scan"}
PAGE_CHECKIN_VIEWS = {"checkins:poster", "checkins:by_code"}


def count_request(request, response, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    route = match.route if match is not None else "<unmatched>"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route, request.method).observe(seconds)
    if request.method == "POST" and match is not None:
        _count_checkins(route, match, response)


def _count_checkins(route: str, match, response) -> None:
    endpoint = API_CHECKIN_ROUTES.get(route)
    if endpoint is not None and response.status_code in (200, 201):
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        answer = "new" if response.status_code == 201 else "again"
        for visit in [body, *body.get("companions", [])]:
            CHECKINS.labels(endpoint, visit.get("channel", ""), visit.get("status", ""), answer).inc()
    elif match.view_name in PAGE_CHECKIN_VIEWS and response.status_code == 302:
        # The visitor's web form answers with a redirect to the confirmation: the colour is on
        # that page, not in this answer.
        CHECKINS.labels("page", "self", "unknown", "new").inc()


def _login_failed(sender, credentials=None, request=None, **kwargs):
    LOGIN_FAILURES.inc()


user_login_failed.connect(_login_failed, dispatch_uid="ravao.metrics.login_failed")


class LiveCollector:
    """Figures measured when scraped: replica lag, and what apps add (``add_live_source``)."""

    def describe(self):
        return []  # else registering it would run collect(), and query the database, at import

    def collect(self):
        from ravao.core import dbrouting

        lags = dbrouting.replica_lags() if dbrouting.replica_aliases() else {}
        if lags:
            up = GaugeMetricFamily("ravao_replica_up", "1 when the replica answers.", labels=["replica"])
            lag = GaugeMetricFamily(
                "ravao_replica_lag_seconds",
                "Seconds the replica is behind the primary (0: in step; absent while it does not answer).",
                labels=["replica"],
            )
            for alias, seconds in sorted(lags.items()):
                up.add_metric([alias], 0 if seconds is None else 1)
                if seconds is not None:
                    lag.add_metric([alias], seconds)
            yield up
            yield lag
        for source in _live_sources:
            yield from source()


# Feature apps add figures measured when scraped (the oversight rollup's lag) from their
# AppConfig.ready: core imports no feature app.
_live_sources = []


def add_live_source(source) -> None:
    """``source()`` yields prometheus-client metric families at each scrape."""
    if source not in _live_sources:
        _live_sources.append(source)


_live = LiveCollector()
if not MULTIPROCESS:
    REGISTRY.register(_live)


def exposition() -> bytes:
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_live)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def allowed(request) -> bool:
    token = getattr(settings, "RAVAO_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR", "") in getattr(settings, "RAVAO_METRICS_ALLOW", ["127.0.0.1", "::1"])


def metrics_view(request):
    if not allowed(request):
        return HttpResponseForbidden(
            "metrics: give the token or scrape from an allowed address\n", content_type="text/plain"
        )
    started = time.monotonic()
    body = exposition()
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["X-Scrape-Seconds"] = f"{time.monotonic() - started:.3f}"
    return response
