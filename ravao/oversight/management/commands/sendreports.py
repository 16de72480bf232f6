from django.core.management.base import BaseCommand
from django.utils import timezone

from ravao.oversight.dispatch import send_reports
from ravao.oversight.rollup import local_day


class Command(BaseCommand):
    help = "E-mail each unit's progress report for the last complete week to the officials of the level above."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Length of the period, ending yesterday.")
        parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx"])

    def handle(self, *args, days, format, **options):
        sent = send_reports(today=local_day(timezone.now()), days=days, fmt=format)
        self.stdout.write(f"sent {sent} report e-mail(s)")
