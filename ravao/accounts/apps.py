from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.accounts"
    label = "accounts"

    def ready(self):
        from ravao.accounts import sessions  # noqa: F401  (its log-in signal receiver)
