from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.codes"
    label = "codes"
