"""One validation layer for what no endpoint can accept: control characters (a NUL byte
breaks PostgreSQL text), lone surrogates (no UTF-8 form: encryption and the database fail on
them), numbers too large for a 64-bit integer, NaN/Infinity — in the path, the query string and
JSON or form bodies, before any view runs. The answer is 400 with a translated message: JSON
under /api/, a small page elsewhere.

Tab, line feed and carriage return stay allowed (addresses and notes have lines). What a
field accepts beyond that is the API schemas' business (ravao/core/params.py).
"""

import json
import re

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# C0 controls except \t \n \r, DEL, C1 controls, and UTF-16 surrogates (never valid alone in text).
BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# No identifier, offset or count has 19 digits; a 64-bit integer may not hold them.
LONG_NUMBER = re.compile(r"^[+-]?0*[0-9]{19,}$")
MAX_INT = 2**63 - 1
MAX_DEPTH = 32


class BadInput(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _bad_char(where: str) -> BadInput:
    return BadInput(
        _(
            "The request contains a control character (such as a NUL byte) or an invalid character in “%(where)s”. "
            "Remove it and send it again."
        )
        % {"where": where[:60]}
    )


def _too_large(where: str) -> BadInput:
    return BadInput(_("The number in “%(where)s” is too large.") % {"where": where[:60]})


def check_text(value: str, where: str) -> None:
    if BAD_CHAR.search(value):
        raise _bad_char(where)


def check_param(key: str, value: str, where: str = "") -> None:
    check_text(key, key)
    check_text(value, key)
    if LONG_NUMBER.match(value):
        raise _too_large(key)


def _walk(value, where: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise BadInput(_("The request body is nested too deeply."))
    if isinstance(value, str):
        check_text(value, where or "body")
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise _too_large(where or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, f"{where}.{key}" if where else key)
            _walk(item, f"{where}.{key}" if where else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]", depth + 1)


def check_json(value) -> None:
    """Raise BadInput if a parsed JSON body carries what no endpoint accepts (the ingestion
    front checks its bodies with this before handing them to the shared check-in code)."""
    _walk(value, "")


def _no_constants(name: str):
    raise BadInput(_("The number in “%(where)s” is too large.") % {"where": name})


def check_request(request) -> None:
    """Raise BadInput when the request carries something no endpoint accepts."""
    check_text(request.path_info, "path")
    for segment in request.path_info.split("/"):
        if LONG_NUMBER.match(segment):
            raise _too_large(segment[:20] + "…")
    for key, values in request.GET.lists():
        for value in values:
            check_param(key, value)
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") and not request.META.get("CONTENT_LENGTH"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json":
        body = request.body
        if not body:
            return
        try:
            data = json.loads(body, parse_constant=_no_constants)
        except RecursionError:
            raise BadInput(_("The request body is nested too deeply.")) from None
        except ValueError:
            return  # not JSON: the API's parser answers that
        _walk(data, "")
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():
            for value in values:
                check_param(key, value)


class InputGuardMiddleware:
    """Answers 400 before any view for input that no endpoint can accept (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadInput as bad:
            return bad_request(request, bad.message)
        return self.get_response(request)


def bad_request(request, message: str):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    html = render_to_string("core/bad_request.html", {"message": message}, request=None)
    return HttpResponse(html, status=400)
