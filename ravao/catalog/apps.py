from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.catalog"
    label = "catalog"
