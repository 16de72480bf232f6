"""`ravao scan`: record a gate scan from the command line (paper lists typed in later, scripts).

Same service as the gate page and POST /api/v1/scans, so the same rules apply (membership of
the venue, 72-hour limit for back-dated scans, repeats, exit scans). Prints one line.
"""

import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from ravao.accounts.models import User
from ravao.checkins.services import checkin_scan
from ravao.core.errors import ServiceError


class Command(BaseCommand):
    help = "Record a check-in (or check-out) scan at a venue as one of its staff."

    def add_arguments(self, parser):
        parser.add_argument("--venue", required=True, help="the venue's short code")
        parser.add_argument("--user", required=True, help="username of a staff member of the venue")
        parser.add_argument("--text", required=True, help="personal QR text, ID card QR text, or a phone / ID number")
        parser.add_argument("--at", help="time of the scan (ISO 8601 with time zone); default now")
        parser.add_argument("--direction", choices=["in", "out"], default="in")
        parser.add_argument(
            "--birth-year", type=int, help="for a typed phone / ID number: the birth year the person gives"
        )
        parser.add_argument("--client-id", help="UUID making the command safe to re-run (default: new)")

    def handle(self, *args, venue, user, text, at, direction, client_id, birth_year=None, **options):
        staff = User.objects.filter(username=user, is_active=True).first()
        if staff is None:
            raise CommandError(f"No active user {user!r}.")
        scanned_at = None
        if at:
            scanned_at = parse_datetime(at)
            if scanned_at is None:
                raise CommandError(f"Not a date and time: {at!r}.")
        try:
            result = checkin_scan(
                user=staff,
                client_id=uuid.UUID(client_id) if client_id else uuid.uuid4(),
                venue_code=venue,
                text=text,
                scanned_at=scanned_at,
                direction=direction,
                birth_year=birth_year,
                operator=True,
            )
        except (ServiceError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        self.stdout.write(
            f"{result.person.masked_name} ({result.person.birth_year or '?'}) {outcome(result)} at "
            f"{result.venue.name} [{result.status}], visit {result.visit.id}"
        )


def outcome(result) -> str:
    """What the command says: “recorded” for a re-run (same --client-id) of a new check-in."""
    if result.is_new:
        return "checked in"
    if result.direction == "out":
        return "checked out"
    return "already inside" if result.already_inside else "recorded"
