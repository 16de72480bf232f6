from django.urls import path

from ravao.health import views

app_name = "health"
urlpatterns = [
    path("", views.declarants, name="declarants"),
    path("declarants.xlsx", views.declarants_export, name="export"),
    path("declarations/<int:declaration_id>/followed-up", views.mark, name="mark"),
    path("settings/", views.settings_page, name="settings"),
]
