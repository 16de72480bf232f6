import time

from django.core.management.base import BaseCommand, CommandError

from ravao.units.loader import GENERATIONS, load_mapping, load_units
from ravao.units.models import Unit
from ravao.units.population import SHIPPED_SOURCE, load_shipped_population


class Command(BaseCommand):
    help = "Load Vietnam's administrative units (idempotent). Maps old codes to new when both are loaded."

    def add_arguments(self, parser):
        parser.add_argument("--generation", choices=[*GENERATIONS, "all"], default="2025")

    def handle(self, *args, generation, **options):
        started = time.monotonic()
        generations = GENERATIONS if generation == "all" else (generation,)
        for gen in generations:
            try:
                counts = load_units(gen)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            levels = ", ".join(f"{counts[k]} {k}s" for k in ("province", "district", "commune") if k in counts)
            self.stdout.write(f"{gen}: {levels} ({counts['created']} created, {counts['updated']} updated)")
        if "2025" in generations:
            self.stdout.write(f"population of 2025 provinces ({SHIPPED_SOURCE}): {load_shipped_population()} set")
        if all(Unit.objects.filter(generation=g).exists() for g in GENERATIONS):
            self.stdout.write(f"old-to-new mapping: {load_mapping()} rows")
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")
