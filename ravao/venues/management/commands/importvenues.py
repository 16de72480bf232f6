from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.venues.importer import venue_import


class Command(BaseCommand):
    help = (
        "Import venues from an XLSX or CSV file (name, type, address, unit, phone; Vietnamese headers and type "
        "names accepted); all-or-nothing unless --keep-good."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument("--keep-good", action="store_true", help="Import the good rows even if others are bad.")
        parser.add_argument("--rejects", default="", help="Write the rows in error to this XLSX file, to fix.")
        parser.add_argument("--as", dest="as_user", default="", help="Import within this official's area.")
        parser.add_argument("--language", default="en", choices=["en", "vi"])

    def handle(self, *args, file, dry_run, as_user, language, keep_good, rejects, **options):
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
            report = venue_import(
                user=user, data=path.read_bytes(), filename=path.name, dry_run=dry_run, keep_good=keep_good
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for row in report.errors:
            self.stdout.write(f"row {row.line}: {row.name!r}: {'; '.join(row.messages)}")
        summary = (
            f"{len(report.rows)} rows: {report.to_create} new, {report.existing} already registered, "
            f"{len(report.errors)} with errors"
        )
        if rejects and report.errors:
            Path(rejects).write_bytes(report.rejects_xlsx())
            self.stdout.write(f"{len(report.errors)} row(s) to fix written to {rejects}")
        if report.errors and not keep_good:
            raise CommandError(f"{summary}. Nothing was imported: fix the rows above and try again.")
        if dry_run:
            self.stdout.write(f"{summary}. Dry run: nothing written.")
        else:
            left = f"; {len(report.errors)} row(s) left out" if report.errors else ""
            self.stdout.write(f"{summary}. Imported {report.created} venues{left}.")
