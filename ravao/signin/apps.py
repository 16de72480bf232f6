from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "ravao.signin"
    label = "signin"
