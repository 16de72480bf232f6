from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.tracing"
    label = "tracing"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.tracing import retention

        retention.register()
