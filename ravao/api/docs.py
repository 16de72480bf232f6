"""Interactive API documentation at /api/v1/docs: Swagger UI from the project's own static files
(npm ``swagger-ui-dist``, pinned in package-lock.json, copied by ``make``), so that the page
works offline and loads no script from another origin; started by a static script (the
Content-Security-Policy allows no inline script)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "api/docs.html", {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})
