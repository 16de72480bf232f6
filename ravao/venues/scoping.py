"""Which venues a venue manager or gate staff member works at (given to accounts.scoping)."""

from ravao.venues.models import VenueMembership


def venue_ids_for(user):
    return VenueMembership.objects.filter(user=user, active=True).values("venue_id")
