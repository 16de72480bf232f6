from django.urls import path

from ravao.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<str:generation>/<str:code>/", views.unit_detail, name="detail"),
]
