from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.units"
    label = "units"
