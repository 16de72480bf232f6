from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.organisations"
    label = "organisations"
