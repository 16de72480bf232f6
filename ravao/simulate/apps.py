from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.simulate"
    label = "simulate"
