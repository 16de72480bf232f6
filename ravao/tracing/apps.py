from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.tracing"
    label = "tracing"
