from django.urls import path

from ravao.checkins import manager_views, views

app_name = "checkins"
urlpatterns = [
    # Visitor pages (short URLs: they are printed on posters and typed on phones).
    path("v/<str:token>", views.poster, name="poster"),
    path("c/<str:code>", views.by_code, name="by_code"),
    path("r/<int:visit_id>/<str:receipt>", views.confirmation, name="confirmation"),
    path("r/<int:visit_id>/<str:receipt>/checkout", views.checkout, name="checkout"),
    # Venue managers and gate staff.
    path("checkins/venues/", manager_views.venue_list, name="venues"),
    path("checkins/venues/<str:code>/", manager_views.venue_today, name="venue_today"),
    path("checkins/venues/<str:code>/today.xlsx", manager_views.venue_export, name="venue_export"),
]
