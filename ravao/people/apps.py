from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.people"
    label = "people"
