from django.urls import path

from ravao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
