from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.api"
    label = "ravao_api"
