from django.urls import path

from ravao.venues import views, views_invitations, views_official, views_registration

app_name = "venues"
urlpatterns = [
    path("", views_official.registry, name="list"),
    path("posters.pdf", views_official.bulk_posters, name="bulk_posters"),
    path("export.csv", views_official.export_csv, name="export_csv"),
    path("import/", views_official.import_page, name="import"),
    path("mine/", views.mine, name="mine"),
    path("invitations/", views_invitations.invitations, name="invitations"),
    path("new/", views.create, name="create"),
    path("register/", views_registration.register, name="register"),
    path("register/confirm/", views_registration.register_confirm, name="register_confirm"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/poster.<str:fmt>", views.poster, name="poster"),
    path("<str:code>/do/<str:op>/", views.action, name="action"),
]
