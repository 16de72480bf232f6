"""Population per unit, imported from CSV (columns: code, population[, generation]); the
provincial figures shipped in ``units/data`` (their source: ``units/data/README.md``)."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ravao.core.errors import ServiceError
from ravao.units.models import Level, Unit


@transaction.atomic
def import_population(text: str, *, generation: str | None = None, roll_up: bool = True) -> int:
    """Set population from CSV text, all or nothing. Parents without a figure of their own get
    the sum of their children when ``roll_up`` is set. Returns the number of units updated."""
    generation = generation or settings.RAVAO_UNIT_GENERATION
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"code", "population"} <= {f.strip() for f in reader.fieldnames}:
        raise ServiceError(_("The CSV needs the columns code and population."))
    values, errors = {}, []
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        gen = (row.get("generation") or "").strip() or generation
        try:
            population = int((row.get("population") or "").replace(",", "").replace(".", "").strip())
            if population < 0:
                raise ValueError
        except ValueError:
            errors.append(_("line %(line)d: population must be a whole number") % {"line": line})
            continue
        values[(gen, code)] = population
    units = {(u.generation, u.code): u for u in Unit.objects.filter(code__in=[c for _, c in values])}
    for gen, code in values:
        if (gen, code) not in units:
            errors.append(_("unknown unit %(code)s") % {"code": code})
    if errors:
        raise ServiceError(_("Nothing was imported: %(errors)s") % {"errors": "; ".join(errors[:20])})
    for key, population in values.items():
        units[key].population = population
    Unit.objects.bulk_update(units.values(), ["population"], batch_size=2000)
    if roll_up:
        for level in (Level.DISTRICT, Level.PROVINCE):
            for parent in Unit.objects.filter(generation=generation, level=level, population__isnull=True):
                total = sum(c.population or 0 for c in parent.children.all())
                if total:
                    parent.population = total
                    parent.save(update_fields=["population"])
    return len(values)


SHIPPED = Path(__file__).parent / "data" / "population_2025_provinces.csv"
SHIPPED_SOURCE = "Resolution 202/2025/QH15, Article 1"


def load_shipped_population() -> int:
    """Give the 2025 provinces without a population the figures shipped with Ravao (never over
    a figure already loaded); returns how many were set."""
    with SHIPPED.open(encoding="utf-8") as f:
        figures = {row["code"]: int(row["population"]) for row in csv.DictReader(f)}
    units = list(
        Unit.objects.filter(generation="2025", level=Level.PROVINCE, code__in=figures, population__isnull=True)
    )
    for unit in units:
        unit.population = figures[unit.code]
    Unit.objects.bulk_update(units, ["population"])
    return len(units)
