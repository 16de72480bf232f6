from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.venues"
    label = "venues"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.accounts.scoping import register_venue_staff
        from ravao.venues import retention
        from ravao.venues.scoping import venue_ids_for

        retention.register()
        register_venue_staff(venue_ids_for)
