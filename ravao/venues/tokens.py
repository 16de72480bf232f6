"""A scanned poster checked against the registry: the venue exists and the poster is current.

``ravao.codes.signing`` checks format and signature without the database (as the offline gate
does); this adds what only the venue registry knows.
"""

from django.utils.translation import gettext as _

from ravao.codes.signing import CodeError, VenueToken, poster_replaced, verify_venue_signature
from ravao.venues.models import Entrance, Venue


def verify_venue_token(token_or_url: str, *, check_current: bool = True) -> VenueToken:
    """Verify a scanned poster: format, trusted key, signature, and (by default) that the
    venue exists and the poster is the current one. Raises CodeError / CodeRevoked."""
    found = verify_venue_signature(token_or_url)
    if not check_current:
        return found
    venue = Venue.objects.select_related("venue_type", "unit").filter(code=found.venue_code).first()
    if venue is None:
        raise CodeError(_("No venue has this code."), status=404, code="unknown_venue")
    entrance = None
    if found.entrance_id is not None:
        entrance = Entrance.objects.filter(pk=found.entrance_id, venue=venue).first()
        if entrance is None or entrance.code_version != found.code_version:
            raise poster_replaced()
    elif venue.code_version != found.code_version:
        raise poster_replaced()
    return VenueToken(
        venue_code=found.venue_code,
        entrance_id=found.entrance_id,
        code_version=found.code_version,
        kid=found.kid,
        venue=venue,
        entrance=entrance,
    )
