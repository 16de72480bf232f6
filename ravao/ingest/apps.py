from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.ingest"
    label = "ingest"
