from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.oversight.services import target_import


class Command(BaseCommand):
    help = (
        "Import the door-to-door register from CSV or XLSX (columns: commune, name, venue_type, address, "
        "phone, notes, canvasser). All or nothing; --dry-run only checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--as", "--user", dest="user", required=True, help="The official importing (their jurisdiction applies)."
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, user, dry_run, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user {user}.")
        try:
            result = target_import(user=actor, content=Path(file).read_bytes(), filename=file, dry_run=dry_run)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for row, message in result.errors:
            self.stderr.write(f"row {row}: {message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} row(s) in error; nothing imported.")
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb} {result.rows if dry_run else result.created} establishment(s)"
            + (f", {result.skipped} already in the register" if result.skipped else "")
        )
