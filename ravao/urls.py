from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ravao.accounts.views import dashboard
from ravao.api.api import api
from ravao.core.metrics import metrics_view

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("metrics", metrics_view, name="metrics"),
    path("accounts/", include("ravao.accounts.urls")),
    path("accounts/", include("ravao.signin.urls")),
    path("dashboard/", dashboard, name="dashboard"),
    path("audit/", include("ravao.audit.urls")),
    path("units/", include("ravao.units.urls")),
    path("venues/", include("ravao.venues.urls")),
    path("people/", include("ravao.people.urls")),
    path("gate/", include("ravao.gate.urls")),
    path("tracing/", include("ravao.tracing.urls")),
    path("health/", include("ravao.health.urls")),
    path("oversight/", include("ravao.oversight.urls")),
    path("organisations/", include("ravao.organisations.urls")),
    path("mobilisation/", include("ravao.mobilisation.urls")),
    # The visitor-facing check-in pages live at the site root (short URLs on posters).
    path("", include("ravao.checkins.urls")),
    path("", include("ravao.core.urls")),
]
