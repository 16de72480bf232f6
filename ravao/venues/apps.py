from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.venues"
    label = "venues"
