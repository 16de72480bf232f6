from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.checkins"
    label = "checkins"
