from django.urls import path

from ravao.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisations, name="list"),
    path("canvassers/", views.canvassers, name="canvassers"),
]
