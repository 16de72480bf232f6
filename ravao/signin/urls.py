from django.urls import path

from ravao.signin import views

app_name = "signin"
urlpatterns = [
    path("second-factor/", views.verify, name="verify"),
    path("second-factor/setup/", views.enrol, name="enrol"),
    path("second-factor/manage/", views.manage, name="manage"),
    path("password/change/", views.PasswordChange.as_view(), name="password_change"),
    path("password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetSent.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("password/sms/", views.sms_reset, name="sms_reset"),
    path("users/<int:pk>/temporary-password/", views.temporary_password, name="temporary_password"),
    path("users/<int:pk>/second-factor-reset/", views.second_factor_reset, name="second_factor_reset"),
]
