from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.audit"
    label = "audit"
