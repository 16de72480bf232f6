from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.venues.importer import venue_import


class Command(BaseCommand):
    help = "Import venues from an XLSX or CSV file (name, type, address, unit, phone); all-or-nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument("--as", dest="as_user", default="", help="Import within this official's area.")
        parser.add_argument("--language", default="en", choices=["en", "vi"])

    def handle(self, *args, file, dry_run, as_user, language, **options):
        translation.activate(language)
        user = None
        if as_user:
            user = User.objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"No user named {as_user!r}.")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No file {file}.")
        try:
            report = venue_import(user=user, data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for row in report.errors:
            self.stdout.write(f"row {row.line}: {row.name!r}: {'; '.join(row.messages)}")
        summary = (
            f"{len(report.rows)} rows: {report.to_create} new, {report.existing} already registered, "
            f"{len(report.errors)} with errors"
        )
        if report.errors:
            raise CommandError(f"{summary}. Nothing was imported: fix the rows above and try again.")
        if dry_run:
            self.stdout.write(f"{summary}. Dry run: nothing written.")
        else:
            self.stdout.write(f"{summary}. Imported {report.created} venues.")
