from django.conf import settings
from django.core.management.base import BaseCommand

from ravao.core.retention import purge


class Command(BaseCommand):
    help = (
        "Delete personal data older than RAVAO_RETENTION_DAYS: visits (whole partitions on "
        "PostgreSQL), declarations, people no longer seen, replay answers. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days (default RAVAO_RETENTION_DAYS={settings.RAVAO_RETENTION_DAYS})",
        )
        parser.add_argument("--batch", type=int, default=10_000, help="rows per DELETE batch")

    def handle(self, *args, days, batch, **options):
        verbose = options.get("verbosity", 1) >= 2
        report = purge(days=days, batch=batch, progress=self.stdout.write if verbose else None)
        self.stdout.write(report.line())
