from django.urls import path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from ravao.checkins import views, views_manager

app_name = "checkins"

# The page asks for it with ?l=<language>, so that a browser's cached copy follows a switch.
JAVASCRIPT_CATALOG = cache_page(3600)(JavaScriptCatalog.as_view(packages=["ravao.tracing"]))
urlpatterns = [
    # Visitor pages (short URLs: they are printed on posters and typed on phones).
    path("v/<str:token>", views.poster, name="poster"),
    path("c/<str:code>", views.by_code, name="by_code"),
    path("r/<int:visit_id>/<str:receipt>", views.confirmation, name="confirmation"),
    path("r/<int:visit_id>/<str:receipt>/checkout", views.checkout, name="checkout"),
    # Only the strings of the scripts the visitor pages load (tracing's exposure warning): the
    # whole site's catalogue would cost more than the page itself.
    path("checkins/jsi18n/", JAVASCRIPT_CATALOG, name="jsi18n"),
    # Venue managers and gate staff.
    path("checkins/venues/", views_manager.venue_list, name="venues"),
    path("checkins/venues/<str:code>/", views_manager.venue_today, name="venue_today"),
    path("checkins/venues/<str:code>/today.xlsx", views_manager.venue_export, name="venue_export"),
]
