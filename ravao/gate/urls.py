from django.urls import path

from ravao.gate import views

app_name = "gate"
urlpatterns = [
    path("", views.scanner, name="scanner"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
]
