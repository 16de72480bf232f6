from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.venues.posters import SIZES
from ravao.venues.services import posters_bulk


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
        parser.add_argument(
            "--as",
            dest="as_user",
            default="",
            help="As this user: only an official, and only the venues of their area.",
        )
        parser.add_argument("--out", required=True, help="The PDF file to write.")

    def handle(self, *args, unit, sector, type, codes, size, entrances, include_closed, as_user, out, **options):
        translation.activate("vi")
        user = None  # the operator: every venue
        if as_user:
            user = User.objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"No user named {as_user!r}.")
        if not (unit or sector or type or codes or as_user):
            raise CommandError("Say which venues: --unit, --sector, --type, --codes or --as.")
        try:
            pdf, count = posters_bulk(
                by=user,
                unit=unit,
                sector=sector,
                type=type,
                codes=codes.split(",") if codes else None,
                size=size,
                entrances=entrances,
                include_closed=include_closed,
                limit=None,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        Path(out).write_bytes(pdf)
        self.stdout.write(f"Wrote {count} venue poster(s) to {out}.")
