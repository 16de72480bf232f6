from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.gate"
    label = "gate"
