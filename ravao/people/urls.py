from django.urls import path

from ravao.people import views

app_name = "people"
urlpatterns = [
    path("me/<str:token>/", views.me, name="me"),
    path("me/<str:token>/card.pdf", views.card_pdf, name="card"),
    path("me/<str:token>/reissue", views.reissue, name="reissue"),
    path("card/<str:token>.pdf", views.card_print, name="card_print"),
]
