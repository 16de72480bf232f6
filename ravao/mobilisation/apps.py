from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.mobilisation"
    label = "mobilisation"
