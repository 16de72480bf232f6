from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.oversight"
    label = "oversight"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.core import metrics
        from ravao.oversight.metrics import rollup_metrics

        metrics.add_live_source(rollup_metrics)
