from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.accounts"
    label = "accounts"
