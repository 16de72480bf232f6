"""Load Vietnam's administrative units from the `vietnamadminunits` dataset (MIT).

Two generations live side by side: "2025" (34 provinces, 3,321 communes, two tiers since
1 July 2025) and "legacy" (63 provinces, ~700 districts, ~10,000 communes). Loading is
idempotent: it creates what is missing, updates what changed and never duplicates; it runs in
a few seconds because everything goes through bulk_create / bulk_update.
"""

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import vietnamadminunits
from django.db import transaction

from ravao.core.text import fold  # noqa: F401 (units.loader.fold: the name other modules import)
from ravao.units.models import Level, Unit, UnitMapping

GENERATIONS = ("2025", "legacy")
DATA_DIR = Path(vietnamadminunits.__file__).parent / "data"


@dataclass
class Row:
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent_code: str | None
    latitude: float | None = None
    longitude: float | None = None
    area_km2: float | None = None


def _province_kind(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def _rows(generation: str) -> list[Row]:
    """Provinces first, then districts, then communes, each exactly once."""
    db = sqlite3.connect(DATA_DIR / "dataset.db")
    db.row_factory = sqlite3.Row
    rows: dict[str, Row] = {}
    if generation == "2025":
        for r in db.execute("SELECT * FROM admin_units ORDER BY provinceCode, wardCode"):
            rows.setdefault(
                "p" + r["provinceCode"],
                Row(
                    r["provinceCode"],
                    r["province"],
                    r["provinceShort"],
                    _province_kind(r["province"]),
                    Level.PROVINCE,
                    None,
                    r["provinceLat"],
                    r["provinceLon"],
                ),
            )
            rows["w" + r["wardCode"]] = Row(
                r["wardCode"],
                r["ward"],
                r["wardShort"],
                r["wardType"],
                Level.COMMUNE,
                r["provinceCode"],
                r["wardLat"],
                r["wardLon"],
                r["wardAreaKm2"],
            )
    elif generation == "legacy":
        for r in db.execute("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"):
            rows.setdefault(
                "p" + r["provinceCode"],
                Row(
                    r["provinceCode"],
                    r["province"],
                    r["provinceShort"],
                    _province_kind(r["province"]),
                    Level.PROVINCE,
                    None,
                    r["provinceLat"],
                    r["provinceLon"],
                ),
            )
            rows.setdefault(
                "d" + r["districtCode"],
                Row(
                    r["districtCode"],
                    r["district"],
                    r["districtShort"],
                    r["districtType"],
                    Level.DISTRICT,
                    r["provinceCode"],
                    r["districtLat"],
                    r["districtLon"],
                ),
            )
            if r["wardCode"]:  # a few island districts have no communes
                rows["w" + r["wardCode"]] = Row(
                    r["wardCode"],
                    r["ward"],
                    r["wardShort"],
                    r["wardType"],
                    Level.COMMUNE,
                    r["districtCode"],
                    r["wardLat"],
                    r["wardLon"],
                )
    else:
        raise ValueError(f"Unknown generation {generation!r}; choose one of {', '.join(GENERATIONS)}.")
    db.close()
    order = {"p": 0, "d": 1, "w": 2}
    return [row for key, row in sorted(rows.items(), key=lambda kv: order[kv[0][0]])]


FIELDS = [
    "name",
    "short_name",
    "kind",
    "level",
    "depth",
    "parent",
    "path",
    "latitude",
    "longitude",
    "area_km2",
    "search_key",
]


@transaction.atomic
def load_units(generation: str) -> dict[str, int]:
    """Create or update every unit of ``generation``; returns counts by level and changes."""
    existing = {u.code: u for u in Unit.objects.filter(generation=generation)}
    created = updated = 0
    counts: dict[str, int] = {}
    # Parents before children: bulk_create sets primary keys (RETURNING on SQLite and PostgreSQL).
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        level_rows = [r for r in _rows_cache(generation) if r.level == level]
        to_create, to_update = [], []
        for row in level_rows:
            parent = existing[row.parent_code] if row.parent_code else None
            values = {
                "name": row.name,
                "short_name": row.short_name or "",
                "kind": row.kind or "",
                "level": row.level,
                "depth": 1 if parent is None else parent.depth + 1,
                "parent": parent,
                "path": f"{parent.path if parent else generation + '/'}{row.code}/",
                "latitude": row.latitude,
                "longitude": row.longitude,
                "area_km2": row.area_km2,
                "search_key": fold(row.name),
            }
            unit = existing.get(row.code)
            if unit is None:
                unit = Unit(generation=generation, code=row.code, **values)
                to_create.append(unit)
                existing[row.code] = unit
            elif any(getattr(unit, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(unit, f, v)
                to_update.append(unit)
        Unit.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            Unit.objects.bulk_update(to_update, FIELDS, batch_size=2000)
        created += len(to_create)
        updated += len(to_update)
        if level_rows:
            counts[level] = len(level_rows)
    counts["created"] = created
    counts["updated"] = updated
    return counts


_CACHE: dict[str, list[Row]] = {}


def _rows_cache(generation: str) -> list[Row]:
    if generation not in _CACHE:
        _CACHE[generation] = _rows(generation)
    return _CACHE[generation]


@transaction.atomic
def load_mapping() -> int:
    """Map legacy communes and provinces to the 2025 ones they became part of. Needs both
    generations loaded; idempotent. Returns the number of mapping rows."""
    db = sqlite3.connect(DATA_DIR / "dataset.db")
    new_code = {(p, w): c for p, w, c in db.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
    new_prov = {p: c for p, c in db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")}
    old_code = {
        f"{p}_{d}_{w}": c
        for p, d, w, c in db.execute("SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy")
        if c
    }
    old_prov = {p: c for p, c in db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy")}
    db.close()
    conv = json.loads((DATA_DIR / "converter_2025.json").read_text())

    pairs: dict[tuple[str, str, str], bool] = {}  # (level, old code, new code) -> is_default
    for new_pk, old_pks in conv["DICT_PROVINCE"].items():
        for old_pk in old_pks:
            pairs[("p", old_prov[old_pk], new_prov[new_pk])] = True
    for new_pk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, old_keys in wards.items():
            for old_key in old_keys:
                if old_key in old_code and (new_pk, new_wk) in new_code:
                    pairs[("w", old_code[old_key], new_code[(new_pk, new_wk)])] = True
    for new_pk, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, news in olds.items():
            for n in news:
                if old_key in old_code and (new_pk, n["newWardKey"]) in new_code:
                    pairs[("w", old_code[old_key], new_code[(new_pk, n["newWardKey"])])] = bool(n["isDefaultNewWard"])

    level_of = {"p": Level.PROVINCE, "w": Level.COMMUNE}
    ids = {
        (u.generation, u.level, u.code): u.pk
        for u in Unit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]).only(
            "pk", "generation", "level", "code"
        )
    }
    have = set(UnitMapping.objects.values_list("old_id", "new_id"))
    rows = []
    for (lvl, old, new), is_default in pairs.items():
        old_id = ids.get(("legacy", level_of[lvl], old))
        new_id = ids.get(("2025", level_of[lvl], new))
        if old_id and new_id and (old_id, new_id) not in have:
            rows.append(UnitMapping(old_id=old_id, new_id=new_id, is_default=is_default))
    UnitMapping.objects.bulk_create(rows, batch_size=2000)
    return UnitMapping.objects.count()


def successors(old: Unit):
    """The current units an old unit became part of, the main one first."""
    return Unit.objects.filter(predecessors__old=old).order_by("-predecessors__is_default", "code")
