from django.apps import AppConfig


class Config(AppConfig):
    """Scale: the reproducible national-scale simulator and the demo dataset."""

    name = "ravao.simulate"
    label = "simulate"
