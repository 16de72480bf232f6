import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils import timezone

from ravao.oversight.rollup import local_day, rollup


class Command(BaseCommand):
    help = (
        "Bring the oversight aggregates up to date from the visits. --loop N: run every N seconds "
        "(the background job for cron or systemd; see docs/indicators.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=date.fromisoformat, help="Also re-roll every day from this date (YYYY-MM-DD)."
        )
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")
        parser.add_argument(
            "--reports", action="store_true", help="With --loop: also send the scheduled weekly reports when due."
        )

    def handle(self, *args, since, loop, reports, **options):
        while True:
            try:
                result = rollup(since=since)
            except DatabaseError as exc:  # e.g. the database restarting: try again at the next turn
                if not loop:
                    raise
                self.stderr.write(f"rollup failed: {exc}")
                connection.close()
                time.sleep(loop)
                continue
            self.stdout.write(
                f"rolled up {result['visits']} new visit(s), {result['days']} whole day(s) re-rolled "
                f"in {result['ms']} ms"
            )
            if reports:
                from ravao.oversight.dispatch import send_reports

                sent = send_reports(today=local_day(timezone.now()))
                if sent:
                    self.stdout.write(f"sent {sent} report e-mail(s)")
            if not loop:
                return
            since = None
            time.sleep(loop)
