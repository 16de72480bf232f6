from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from ravao.checkins import partitions


class Command(BaseCommand):
    help = (
        "Create the daily partitions of the visit table ahead of time (PostgreSQL) and list them. "
        "Run it daily (cron/systemd timer); `migrate` also runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=7, help="days after today to create (default 7)")
        parser.add_argument(
            "--behind", type=int, default=None, help="days before today to create (default: RAVAO_RETENTION_DAYS)"
        )
        parser.add_argument(
            "--list", action="store_true", dest="show", help="list every partition with its rows and size"
        )

    def handle(self, *args, ahead, behind, show, **options):
        if not partitions.is_partitioned(connection):
            self.stdout.write("SQLite: the visit table is not partitioned; nothing to do.")
            return
        created = ensure_window(ahead=ahead, behind=behind)
        if show:
            for name, rows, size in partitions.partition_sizes():
                self.stdout.write(f"{name:<32} ~{rows:>12,} rows {size / 1e6:>10.1f} MB")
        have = partitions.existing_partitions()
        span = f"{min(have)} … {max(have)}" if have else "none"
        self.stdout.write(f"{len(created)} partitions created; {len(have)} daily partitions ({span})")


def ensure_window(*, ahead: int = 7, behind: int | None = None) -> list[str]:
    """Partitions for [today − retention, today + ahead] (UTC days)."""
    behind = settings.RAVAO_RETENTION_DAYS if behind is None else behind
    today = timezone.now().date()
    return partitions.ensure_partitions(today - timedelta(days=behind), today + timedelta(days=ahead))
