from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.oversight"
    label = "oversight"
