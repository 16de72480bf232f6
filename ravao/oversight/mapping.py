"""Figures of an old-map unit on a deployment whose venues live on the current map.

A district of the pre-2025 map has no venues of its own once venues are registered on the 2025
communes. Its figures are then those of the current communes that its communes became part of
(the old→new table loaded by ``ravao loadunits``, ``units.UnitMapping``): additive figures are
added up; unique visitors are not (a person seen in two communes would count twice), so they
are given only when one commune is concerned. A current commune formed partly from another
district's communes counts whole in both. Reports say so (``note``).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from ravao.oversight.models import UnitStock
from ravao.units.models import Level, Unit, UnitMapping

ADDITIVE = [
    "registered",
    "suspended",
    "unverified",
    "targets",
    "targets_registered",
    "targets_active",
    "scans",
    "active_24h",
    "active_7d",
]


def applies(generation: str) -> bool:
    """Map through: a generation other than the current one, holding no venues or targets."""
    return generation != settings.RAVAO_UNIT_GENERATION and not UnitStock.objects.filter(generation=generation).exists()


def successors(units: list[Unit]) -> dict[int, list[Unit]]:
    """For each unit, the current communes its communes became part of (by name), in one query."""
    if not units:
        return {}
    rows = UnitMapping.objects.filter(
        old__generation=units[0].generation,
        new__generation=settings.RAVAO_UNIT_GENERATION,
        new__level=Level.COMMUNE,
    ).values_list("old__path", "new_id")
    by_new, out = {}, {u.pk: set() for u in units}
    for old_path, new_id in rows:
        for u in units:
            if old_path.startswith(u.path):
                out[u.pk].add(new_id)
                by_new[new_id] = None
    found = {u.pk: u for u in Unit.objects.filter(pk__in=list(by_new))}
    return {uid: sorted((found[i] for i in ids), key=lambda u: u.name) for uid, ids in out.items()}


def combine(figures: list[dict], *, sector) -> dict:
    """One unit's indicators from those of the current communes it maps to."""
    from ravao.oversight.selectors import is_lagging, points_per_100, share

    out = {f: sum(x[f] for x in figures) for f in ADDITIVE}
    one = figures[0] if len(figures) == 1 else None
    populations = [x["population"] for x in figures]
    population = sum(populations) if populations and all(populations) else None
    by_type = {}
    for x in figures:
        for code, n in x["venues_by_type"].items():
            by_type[code] = by_type.get(code, 0) + n
    out.update(
        unique_visitors=one["unique_visitors"] if one else None,
        unique_visitors_pending=bool(one and one["unique_visitors_pending"]),
        population=population,
        points_per_100_residents=None if sector is not None else points_per_100(out["registered"], population),
        targets_registered_share=share(out["targets_registered"], out["targets"]),
        targets_active_share=share(out["targets_active"], out["targets"]),
        venues_by_type=dict(sorted(by_type.items())),
        target_basis="sector" if sector is not None else "residents",
        population_units=None,
        population_units_total=None,
        mapped=True,
    )
    out["lagging"] = is_lagging(out)
    return out


def note(unit: Unit, communes: list[Unit]) -> dict:
    """What a report says about it."""
    return {
        "communes": [c.code for c in communes],
        "note": _(
            "%(unit)s belongs to the pre-2025 map, on which no venue is registered. Its figures are those of"
            " the %(count)d current communes that its former communes became part of, through the old-to-new"
            " table of the 2025 merger: counts are added up; a current commune formed partly from communes of"
            " another unit counts whole in both; unique visitors are not added up across communes; the"
            " population is that of those current communes."
        )
        % {"unit": unit.name, "count": len(communes)},
    }
