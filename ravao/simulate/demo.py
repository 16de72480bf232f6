"""Demo step: a simulated week in the demo province (after the venues step, before check-ins,
tracing and oversight), so that every page has realistic data to show."""

from ravao.people.models import Person
from ravao.simulate.generator import Options, Simulation

DEMO_SEED = 2021
DEMO_VENUES = 400
DEMO_PEOPLE = 4_000
DEMO_DAYS = 7
DEMO_CHECKINS_PER_DAY = 6_000


def demo(*, province, users, stdout) -> str | None:
    """Simulate the demo province once: skipped when it already has the simulated people."""
    if Person.objects.filter(unit__path__startswith=province.path).count() >= DEMO_PEOPLE:
        return "Simulation: already done for the demo province (skipped)"
    sim = Simulation(
        Options(
            seed=DEMO_SEED,
            unit=province,
            venues=DEMO_VENUES,
            people=DEMO_PEOPLE,
            days=DEMO_DAYS,
            checkins_per_day=DEMO_CHECKINS_PER_DAY,
        )
    )
    return sim.run().line() + f" — {province.name}, the last {DEMO_DAYS} days"
