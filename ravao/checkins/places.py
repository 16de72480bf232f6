"""Where a check-in happens: the venue from a poster or a typed code (visitors) or from a gate
account's venues (staff), whether it is open now, and the trip a vehicle is on."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from ravao.catalog.models import VenueType
from ravao.checkins import conf
from ravao.core import fastsql, hotcache
from ravao.core.dates import format_datetime
from ravao.core.errors import Conflict, NotFound
from ravao.core.venuecodes import normalise_venue_code
from ravao.venues.models import Entrance, Trip, Venue, VenueMembership, VenueStatus
from ravao.venues.tokens import verify_venue_token


def venue_by_code(code: str):
    """The venue with this code and its type, in one plain statement (a miss of the per-worker
    memory: at national scale most venues are too quiet to stay in it, so misses are common)."""

    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT {fastsql.columns(Venue, 'v')}, {fastsql.columns(VenueType, 't')} FROM {Venue._meta.db_table} v "
            f"JOIN {VenueType._meta.db_table} t ON t.id = v.venue_type_id WHERE v.code = %s",
            [code],
        )
        rows = cursor.fetchall()
        if not rows:
            return None
        n = len(Venue._meta.concrete_fields)
        venue = fastsql.models(Venue, [rows[0][:n]], cursor.db)[0]
        venue_type = fastsql.models(VenueType, [rows[0][n:]], cursor.db)[0]
    Venue._meta.get_field("venue_type").set_cached_value(venue, venue_type)
    return venue


def _works_at(user_id: int, venue_id: int) -> bool | None:
    """True if the user is active staff of the venue (None otherwise: not remembered)."""

    with fastsql.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {VenueMembership._meta.db_table} WHERE venue_id = %s AND user_id = %s AND active LIMIT 1",
            [venue_id, user_id],
        )
        return True if cursor.fetchone() else None


def venue_public(*, code: str = "", venue_qr: str = ""):
    """(venue, entrance) from a poster QR (its URL or token) or a typed short code."""
    if venue_qr:
        found = verify_venue_token(venue_qr)
        return found.venue, found.entrance
    normalised = normalise_venue_code(code)
    venue = hotcache.remembered("venue", normalised, lambda: venue_by_code(normalised)) if normalised else None
    if venue is None:
        raise NotFound(_("No venue has the code “%(code)s”.") % {"code": (code or "")[:12]}, code="unknown_venue")
    return venue, None


def venue_for_staff(*, user, code: str, entrance_id: int | None = None):
    """(venue, entrance) for a gate: only venues the user works at (VenueMembership)."""

    code = normalise_venue_code(code)
    venue = hotcache.remembered("venue", code, lambda: venue_by_code(code)) if code else None
    works_there = venue is not None and hotcache.remembered(
        "staff", (user.pk, venue.pk), lambda: _works_at(user.pk, venue.pk)
    )
    if not works_there:
        venue = None
    if venue is None:
        raise NotFound(_("No venue with this code among the venues you work at."), code="unknown_venue")
    entrance = None
    if entrance_id:
        entrance = Entrance.objects.filter(pk=entrance_id, venue=venue).first()
        if entrance is None:
            raise NotFound(_("This venue has no such entrance."), code="unknown_entrance")
    return venue, entrance


def check_venue_open(venue, at: datetime) -> None:
    """Refuse check-ins at suspended or closed venues and at events outside their window."""

    if venue.status == VenueStatus.SUSPENDED:
        raise Conflict(
            _("%(venue)s is suspended: check-ins are not accepted.") % {"venue": venue.name}, code="venue_suspended"
        )
    if venue.status == VenueStatus.CLOSED:
        raise Conflict(
            _("%(venue)s is closed: check-ins are not accepted.") % {"venue": venue.name}, code="venue_closed"
        )
    if venue.venue_type.kind == "event" and venue.starts_at and venue.ends_at:
        grace = timedelta(minutes=conf.event_grace_minutes())
        if not venue.starts_at - grace <= at <= venue.ends_at + grace:
            raise Conflict(
                _("%(venue)s accepts check-ins only from %(start)s to %(end)s.")
                % {
                    "venue": venue.name,
                    "start": format_datetime(venue.starts_at - grace),
                    "end": format_datetime(venue.ends_at + grace),
                },
                code="event_closed",
            )


def trip_for(venue, at: datetime):
    if venue.venue_type.kind != "vehicle":
        return None

    grace = timedelta(minutes=conf.trip_grace_minutes())
    return (
        Trip.objects.filter(venue=venue, departs_at__lte=at + grace, arrives_at__gte=at - grace)
        .order_by("-departs_at")
        .only("id", "arrives_at")
        .first()
    )


def venue_known(code: str):
    """The venue with this (typed) code, or None: for messages and audit entries."""
    code = normalise_venue_code(code)
    return hotcache.remembered("venue", code, lambda: venue_by_code(code)) if code else None
