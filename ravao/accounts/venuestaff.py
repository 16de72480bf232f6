"""What the venues app tells accounts about the people who work at venues.

Accounts sits below venues in the app graph (venues builds on accounts), yet scoping and the
policy need two answers only venues has: which venues an account works at, and whether it
manages a given venue. The venues app gives them here from its ``AppConfig.ready``; until it
does (an install without venues), an account works at no venue.
"""

from django.db.models import Q

_venue_ids_for = None
_manages_venue = None
_invitations_for = None


def register(*, venue_ids_for, manages_venue, invitations_for=None) -> None:
    """``venue_ids_for(user)``: a subquery of venue ids; ``manages_venue(user, venue)``: bool;
    ``invitations_for(user)``: the invitations waiting for the account holder's answer."""
    global _venue_ids_for, _manages_venue, _invitations_for
    _venue_ids_for, _manages_venue, _invitations_for = venue_ids_for, manages_venue, invitations_for


def venue_filter(user, path: str) -> Q:
    """Rows whose ``path`` is a venue ``user`` works at."""
    if _venue_ids_for is None:
        return Q(pk__in=[])
    return Q(**{f"{path}__in": _venue_ids_for(user)})


def manages_venue(user, venue) -> bool:
    return _manages_venue is not None and _manages_venue(user, venue)


def invitations_for(user) -> list:
    """Invitations to work at a venue waiting for ``user`` (shown on the dashboard)."""
    return [] if _invitations_for is None else list(_invitations_for(user))
