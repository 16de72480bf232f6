"""A request id for every request, JSON logs, and the request metrics.

``RequestMiddleware`` (first in the chain) takes the caller's ``X-Request-ID`` when it is a
plain token (a load balancer's), else makes one, keeps it in a context variable for the log
lines of the request, sends it back in the answer, and counts the request
(``ravao.core.metrics``). ``RAVAO_LOG_JSON=1`` turns every log line into one JSON object with
that id (``JsonFormatter``); ``RequestIdFilter`` adds ``request_id`` to plain lines too.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.signals import request_finished

request_id: ContextVar[str] = ContextVar("ravao_request_id", default="")
HEADER = "X-Request-ID"
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestMiddleware:
    def __init__(self, get_response):
        from ravao.core import metrics  # after settings (multiprocess mode)

        self.get_response = get_response
        self.metrics = metrics

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        rid = given if ACCEPTED.match(given) else uuid.uuid4().hex
        # Kept until the answer is closed (request_finished): Django logs a 4xx/5xx answer after
        # the middleware has returned it.
        request_id.set(rid)
        request.request_id = rid
        started = time.monotonic()
        response = self.get_response(request)
        try:
            self.metrics.count_request(request, response, time.monotonic() - started)
        except Exception:  # counting must never cost the answer
            logging.getLogger("ravao.metrics").exception("request not counted")
        response[HEADER] = rid
        return response


def _forget_request_id(**kwargs):
    request_id.set("")


request_finished.connect(_forget_request_id, dispatch_uid="ravao.observability.request_id")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the
    traceback when there is one."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        return json.dumps(line, ensure_ascii=False)
