from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ravao.core.errors import ServiceError
from ravao.units.population import import_population


class Command(BaseCommand):
    help = "Import population per unit from a CSV file with the columns code,population[,generation]."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--generation", default=None)

    def handle(self, *args, csv_file, generation, **options):
        try:
            count = import_population(csv_file.read_text(encoding="utf-8"), generation=generation)
        except (OSError, ServiceError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"population set for {count} units")
