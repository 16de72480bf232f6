from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ravao.simulate.generator import Options, Simulation
from ravao.units.models import Unit


class Command(BaseCommand):
    help = (
        "Build a reproducible synthetic dataset (venues, people, check-ins) for a unit or the "
        "whole country through bulk paths (COPY on PostgreSQL)."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--unit", help="code of a province or commune (current generation)")
        where.add_argument("--country", action="store_true", help="every commune of the country")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--venues", type=int, default=1_000)
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--checkins-per-day", type=int, default=10_000)
        parser.add_argument(
            "--start",
            type=date.fromisoformat,
            default=None,
            help="first simulated day (YYYY-MM-DD); default: the last DAYS days up to today",
        )

    def handle(self, *args, unit, country, seed, venues, people, days, checkins_per_day, start, **options):
        target = None
        if unit:
            target = Unit.objects.current().filter(code=unit).first()
            if target is None:
                raise CommandError(f"No unit with code {unit} in generation {settings.RAVAO_UNIT_GENERATION}.")
        if min(venues, people, days) < 1 or checkins_per_day < 0:
            raise CommandError("--venues, --people and --days must be at least 1.")
        verbosity = options.get("verbosity", 1)

        def progress(line):
            if verbosity >= 1:
                self.stdout.write(line)
                self.stdout.flush()

        sim = Simulation(
            Options(
                seed=seed,
                unit=target,
                venues=venues,
                people=people,
                days=days,
                checkins_per_day=checkins_per_day,
                start=start,
            ),
            progress=progress,
        )
        try:
            summary = sim.run()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary.line())
