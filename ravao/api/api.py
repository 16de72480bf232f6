"""The JSON API under /api/v1/: one NinjaAPI, bearer-token or session auth, JSON errors.

Each domain app exposes a ``router`` in its own ``api.py``; they are mounted here.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ravao.api.auth import BearerAuth, SessionAuth
from ravao.api.docs import LocalSwagger
from ravao.core.errors import ServiceError

api = NinjaAPI(
    title="Ravao API",
    version="1",
    description="QR check-in, contact tracing and deployment oversight. See docs/api.md.",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    docs=LocalSwagger(),  # Swagger UI from our own static files (ravao/api/docs.py)
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload"))
        fields.append({"field": loc, "message": err.get("msg", "")})
    message = _("The request is not valid: %(fields)s") % {
        "fields": "; ".join(f"{f['field']}: {f['message']}" if f["field"] else f["message"] for f in fields)
    }
    return api.create_response(request, {"detail": message, "errors": fields}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"detail": _("Authentication required: send a valid bearer token.")}, status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _mount():
    from ravao.accounts.api import router as accounts_router
    from ravao.audit.api import router as audit_router
    from ravao.checkins.api import router as checkins_router
    from ravao.codes.api import router as codes_router
    from ravao.oversight.api import router as oversight_router
    from ravao.tracing.api import router as tracing_router
    from ravao.units.api import router as units_router
    from ravao.venues.api import router as venues_router

    # Each app's router decides its own paths below /api/v1/ (e.g. "/venues", "/checkins").
    api.add_router("", accounts_router)
    api.add_router("/units", units_router)
    api.add_router("/audit", audit_router)
    api.add_router("", codes_router)
    api.add_router("", venues_router)
    api.add_router("", checkins_router)
    api.add_router("", tracing_router)
    api.add_router("", oversight_router)


_mount()
