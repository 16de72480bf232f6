from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.checkins"
    label = "checkins"

    def ready(self):
        # A venue, venue type, membership, user or token saved in this process: forget the
        # hot-path memory at once (other workers: within RAVAO_HOT_CACHE_SECONDS).
        from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

        from ravao.accounts.models import ApiToken, User  # noqa: PLC0415
        from ravao.catalog.models import VenueType  # noqa: PLC0415
        from ravao.core import hotcache  # noqa: PLC0415
        from ravao.venues.models import Venue, VenueMembership  # noqa: PLC0415

        for model in (Venue, VenueType, VenueMembership, User, ApiToken):
            post_save.connect(hotcache.clear, sender=model, dispatch_uid=f"ravao-hotcache-save-{model.__name__}")
            post_delete.connect(hotcache.clear, sender=model, dispatch_uid=f"ravao-hotcache-delete-{model.__name__}")
