from django.urls import path

from ravao.venues import official_views, registration_views, views

app_name = "venues"
urlpatterns = [
    path("", official_views.registry, name="list"),
    path("posters.pdf", official_views.bulk_posters, name="bulk_posters"),
    path("export.csv", official_views.export_csv, name="export_csv"),
    path("import/", official_views.import_page, name="import"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("register/", registration_views.register, name="register"),
    path("register/confirm/", registration_views.register_confirm, name="register_confirm"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/poster.<str:fmt>", views.poster, name="poster"),
    path("<str:code>/do/<str:op>/", views.action, name="action"),
]
