from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.audit"
    label = "audit"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.audit.services import register_retention

        register_retention()
