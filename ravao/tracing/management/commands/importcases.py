"""`ravao importcases FILE --as USER [--commit]`: open confirmed cases from XLSX/CSV (dry run by default)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.tracing.imports import case_import


class Command(BaseCommand):
    help = "Import confirmed cases from a spreadsheet: all rows or none; a dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--commit", action="store_true", help="open the cases (default: only check)")

    def handle(self, *args, **o):
        user = User.objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"No user {o['username']!r}.")
        path = Path(o["file"])
        try:
            result = case_import(user=user, content=path.read_bytes(), filename=path.name, dry_run=not o["commit"])
        except (OSError, ServiceError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        for number, message in result.errors:
            self.stderr.write(f"row {number}: {message}")
        done = "opened" if result.created else ("would open" if not result.errors else "opened none of")
        self.stdout.write(
            f"{result.rows} rows, {result.valid} valid; {done} {len(result.created) or result.valid} cases"
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} row(s) with errors: nothing imported.")
