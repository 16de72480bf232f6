from django.urls import path

from ravao.mobilisation import views

app_name = "mobilisation"
urlpatterns = [
    path("", views.script, name="script"),
    path("notice.pdf", views.notice, name="notice"),
]
