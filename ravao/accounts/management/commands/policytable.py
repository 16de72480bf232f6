from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.policytable import DOC, document


class Command(BaseCommand):
    help = "Write the role × capability tables of docs/roles.md from ravao/accounts/policy.py."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only say whether docs/roles.md is up to date.")

    def handle(self, *args, check, **options):
        current = DOC.read_text(encoding="utf-8")
        wanted = document(current)
        if check:
            if wanted != current:
                raise CommandError(f"{DOC} is out of date: run `ravao policytable`.")
            self.stdout.write(f"{DOC} is up to date.")
            return
        DOC.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC} ({'changed' if wanted != current else 'unchanged'}).")
