"""Demo step: a population for the demo province's communes where none is known.

The administrative dataset has no population figures. So that "scan points per 100 residents"
shows something in the demo, each commune without a figure gets a synthetic one (seeded, between
8,000 and 40,000) and the province the sum. Real deployments import real figures with
`ravao loadpopulation FILE.csv`.
"""

import random

from django.conf import settings
from django.db import transaction

from ravao.units.models import Level, Unit

DEMO_PROVINCE = "46"  # Thành phố Huế: a few hundred venues make every page worth a look


def demo_units():
    """The demo province, its first two communes, and a district of the pre-2025 map."""
    province = Unit.objects.get(generation=settings.RAVAO_UNIT_GENERATION, code=DEMO_PROVINCE)
    communes = list(province.children.filter(level=Level.COMMUNE).order_by("code")[:2])
    legacy_province = Unit.objects.filter(generation="legacy", code=DEMO_PROVINCE).first()
    district = legacy_province.children.order_by("code").first() if legacy_province else None
    return province, communes, district


@transaction.atomic
def demo(*, province, users, stdout):
    children = list(province.children.filter(population__isnull=True).order_by("code"))
    if not children:
        return None
    rng = random.Random(province.code)
    for unit in children:
        unit.population = rng.randrange(8_000, 40_000)
    Unit.objects.bulk_update(children, ["population"])
    province.population = sum(u.population or 0 for u in province.children.all())
    province.save(update_fields=["population"])
    return (
        f"Units: synthetic population for {len(children)} communes of {province.name} "
        f"({province.population:,} residents)"
    )
