from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.core"
    label = "core"

    def ready(self):
        from ravao.core import checks, failclosed  # noqa: F401 (registers the deployment checks)
