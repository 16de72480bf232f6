from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.venues.models import Venue, VenueStatus
from ravao.venues.posters import SIZES, render_bulk
from ravao.venues.selectors import venue_filter, venues_visible


class Command(BaseCommand):
    help = "Print posters: one PDF page per venue of a unit (and below), a sector, a type or a list of codes."

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="", help="Unit code: that unit and every unit below it.")
        parser.add_argument("--sector", default="", help="Sector code (e.g. health).")
        parser.add_argument("--type", default="", help="Venue type code (e.g. market).")
        parser.add_argument("--codes", default="", help="Comma-separated venue codes.")
        parser.add_argument("--size", default="A4", choices=sorted(SIZES))
        parser.add_argument("--entrances", action="store_true", help="Also one page per entrance.")
        parser.add_argument("--include-closed", action="store_true")
        parser.add_argument("--as", dest="as_user", default="", help="Only what this user may see.")
        parser.add_argument("--out", required=True, help="The PDF file to write.")

    def handle(self, *args, unit, sector, type, codes, size, entrances, include_closed, as_user, out, **options):  # noqa: A002
        translation.activate("vi")
        if as_user:
            user = User.objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"No user named {as_user!r}.")
            qs = venues_visible(user)
        else:
            qs = Venue.objects.all()
        if not (unit or sector or type or codes or as_user):
            raise CommandError("Say which venues: --unit, --sector, --type, --codes or --as.")
        try:
            qs = venue_filter(qs, unit=unit, sector=sector, type=type, codes=codes.split(",") if codes else None)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if not include_closed:
            qs = qs.exclude(status=VenueStatus.CLOSED)
        qs = qs.order_by("unit__path", "name", "id")
        count = qs.count()
        if count == 0:
            raise CommandError("No venue matches.")
        Path(out).write_bytes(render_bulk(qs, size=size, entrances=entrances))
        self.stdout.write(f"Wrote {count} venue poster(s) to {out}.")
