from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.oversight.target_import import target_import


class Command(BaseCommand):
    help = (
        "Import the door-to-door register from CSV or XLSX (columns: commune, name, venue_type, address, "
        "phone, notes, canvasser; Vietnamese headers and type names accepted). All or nothing unless "
        "--keep-good; --dry-run only checks and lists every row's problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--as", "--user", dest="user", required=True, help="The official importing (their jurisdiction applies)."
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--keep-good", action="store_true", help="Import the good rows even if others are bad.")
        parser.add_argument("--rejects", default="", help="Write the rows in error to this XLSX file, to fix.")
        parser.add_argument("--language", default="en", choices=["en", "vi"])

    def handle(self, *args, file, user, dry_run, keep_good, rejects, language, **options):
        translation.activate(language)
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user {user}.")
        if not Path(file).exists():
            raise CommandError(f"No file {file}.")
        try:
            result = target_import(
                user=actor, content=Path(file).read_bytes(), filename=file, dry_run=dry_run, keep_good=keep_good
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for row, message in result.errors:
            self.stderr.write(f"row {row}: {message}")
        if rejects and result.rejected:
            Path(rejects).write_bytes(result.rejects_xlsx())
            self.stderr.write(f"{len(result.rejected)} row(s) to fix written to {rejects}")
        if result.errors and not keep_good:
            raise CommandError(f"{len(result.errors)} row(s) in error; nothing imported.")
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb} {result.good if dry_run else result.created} establishment(s)"
            + (f", {result.skipped} already in the register" if result.skipped else "")
            + (f", {len(result.errors)} row(s) left out" if result.errors else "")
        )
