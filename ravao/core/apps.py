from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.core"
    label = "core"
