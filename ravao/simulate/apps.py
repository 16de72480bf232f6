from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_partitions(sender, using="default", **kwargs):
    """After `migrate`: daily visit partitions for [today − retention, today + 7] (PostgreSQL)."""
    from django.db import connections

    from ravao.checkins import partitions

    conn = connections[using]
    if not partitions.is_partitioned(conn) or partitions.TABLE not in conn.introspection.table_names():
        return
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    today = timezone.now().date()
    partitions.ensure_partitions(today - timedelta(days=settings.RAVAO_RETENTION_DAYS),
                                 today + timedelta(days=7), conn=conn)


class Config(AppConfig):
    """Scale: the simulator, partition maintenance and retention commands."""

    name = "ravao.simulate"
    label = "simulate"

    def ready(self):
        from django.apps import apps

        # post_migrate is only sent for apps with models: hook on the app that owns the table.
        post_migrate.connect(_ensure_partitions, sender=apps.get_app_config("checkins"),
                             dispatch_uid="ravao.simulate.partitions")
