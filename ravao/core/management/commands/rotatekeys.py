from django.core.management.base import BaseCommand, CommandError

from ravao.core.keyrotation import UnreadableToken, rotate_all


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted personal field under the newest key of RAVAO_FIELD_KEYS "
            "(prepend the new key first; drop the old one after this has run). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2_000, help="rows per transaction")
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted, write nothing")

    def handle(self, *args, batch, dry_run, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        verbose = options.get("verbosity", 1) >= 2
        try:
            report = rotate_all(batch=batch, dry_run=dry_run, progress=self.stdout.write if verbose else None)
        except UnreadableToken as e:
            raise CommandError(str(e)) from None
        self.stdout.write(("dry run: " if dry_run else "") + report.line())
