"""Which venues a venue manager or gate staff member works at (given to accounts.venuestaff)."""

from ravao.venues.models import MembershipRole, VenueMembership


def venue_ids_for(user):
    return VenueMembership.objects.filter(user=user, active=True).values("venue_id")


def manages_venue(user, venue) -> bool:
    """Is ``user`` an active manager of ``venue`` (the policy's "own venue" condition)?"""
    return VenueMembership.objects.filter(user=user, venue=venue, role=MembershipRole.MANAGER, active=True).exists()
