from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.health"
    label = "health"
