from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone


def _ensure_partitions(sender, using="default", **kwargs):
    """After `migrate`: daily visit partitions for [today − retention, today + 7] (PostgreSQL)."""
    from ravao.checkins import partitions

    conn = connections[using]
    if not partitions.is_partitioned(conn) or partitions.TABLE not in conn.introspection.table_names():
        return
    today = timezone.now().date()
    partitions.ensure_partitions(
        today - timedelta(days=settings.RAVAO_RETENTION_DAYS), today + timedelta(days=7), conn=conn
    )


class Config(AppConfig):
    name = "ravao.checkins"
    label = "checkins"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.accounts.models import ApiToken, User
        from ravao.catalog.models import VenueType
        from ravao.checkins import retention
        from ravao.core import hotcache
        from ravao.venues.models import Venue, VenueMembership

        # A venue, venue type, membership, user or token saved in this process: forget the
        # hot-path memory at once (other workers: within RAVAO_HOT_CACHE_SECONDS).
        for model in (Venue, VenueType, VenueMembership, User, ApiToken):
            post_save.connect(hotcache.clear, sender=model, dispatch_uid=f"ravao-hotcache-save-{model.__name__}")
            post_delete.connect(hotcache.clear, sender=model, dispatch_uid=f"ravao-hotcache-delete-{model.__name__}")
        retention.register()
        post_migrate.connect(_ensure_partitions, sender=self, dispatch_uid="ravao.checkins.partitions")
