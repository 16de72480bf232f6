from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.venues"
    label = "venues"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from ravao.accounts import venuestaff
        from ravao.venues import retention, scoping, staff

        retention.register()
        venuestaff.register(
            venue_ids_for=scoping.venue_ids_for,
            manages_venue=scoping.manages_venue,
            invitations_for=staff.invitations_for,
        )
