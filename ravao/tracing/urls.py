from django.urls import path

from ravao.tracing import views

app_name = "tracing"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("import/", views.case_import_page, name="import"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/contacts/", views.case_contacts, name="contacts"),
    path("cases/<int:case_id>/contacts/<int:person_id>/mark/", views.contact_mark, name="mark"),
    path("cases/<int:case_id>/notify/", views.case_notify, name="notify"),
    path("cases/<int:case_id>/export.<str:fmt>", views.case_export, name="export"),
    path("windows/", views.windows_page, name="windows"),
    path("exposures/", views.exposures_public, name="exposures"),
]
