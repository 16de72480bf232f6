from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.people"
    label = "people"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.people import retention

        retention.register()
