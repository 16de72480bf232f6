from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ravao.catalog.models import Sector
from ravao.core.errors import ServiceError
from ravao.oversight.responsibility import responsibility_set
from ravao.oversight.titles import title_of
from ravao.units.models import Unit


class Command(BaseCommand):
    help = (
        "Name who answers for a unit (or a sector in it): "
        'ravao responsible --unit 19753 --name "Nguyễn Văn An" [--sector health] [--target-date 2026-12-31]'
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Unit code.")
        parser.add_argument("--generation", default="")
        parser.add_argument("--sector", default="", help="Sector code (empty: the chair of the unit).")
        parser.add_argument("--name", required=True)
        parser.add_argument("--title", default="", help="Empty: the usual title of the post.")
        parser.add_argument("--target-date", type=date.fromisoformat, default=None)
        parser.add_argument("--commitments", default="")

    def handle(self, *args, unit, generation, sector, name, title, target_date, commitments, **options):
        found = Unit.objects.filter(generation=generation or settings.RAVAO_UNIT_GENERATION, code=unit).first()
        if found is None:
            raise CommandError(f"No unit {unit}.")
        sec = Sector.objects.filter(code=sector).first() if sector else None
        if sector and sec is None:
            raise CommandError(f"No sector {sector}.")
        try:
            row = responsibility_set(
                by=None,
                unit=found,
                sector=sec,
                person_name=name,
                title=title,
                target_date=target_date,
                commitments=commitments,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{found.name}: {row.person_name}, {title_of(row)}")
