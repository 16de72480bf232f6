from django.urls import path

from ravao.people import views, views_forms

app_name = "people"
urlpatterns = [
    path("me/<str:token>/", views.me, name="me"),
    path("me/<str:token>/card.pdf", views.card_pdf, name="card"),
    path("me/<str:token>/reissue", views.reissue, name="reissue"),
    path("forms/", views_forms.form_list, name="forms"),
    path("forms/new", views_forms.form_edit, name="form_edit"),
    path("forms/<slug:version>/", views_forms.form_detail, name="form_detail"),
    path("card/<str:token>.pdf", views.card_print, name="card_print"),
]
