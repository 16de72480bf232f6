"""Which venues a venue manager or gate staff member works at (used by accounts.scoping)."""


def venue_ids_for(user):
    from ravao.venues.models import VenueMembership

    return VenueMembership.objects.filter(user=user, active=True).values("venue_id")
