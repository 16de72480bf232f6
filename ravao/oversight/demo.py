"""Demo step: roll up the demo visits (the simulator runs before) so that dashboards show figures;
name who answers for the province, its communes and its health department (synthetic names),
and show what the district account of the old map sees through the old→new table."""

import random
from datetime import timedelta

from django.utils import timezone

from ravao.catalog.models import Sector
from ravao.oversight import selectors
from ravao.oversight.dispatch import system_user
from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.oversight.responsibility import responsibility_set
from ravao.oversight.rollup import rollup
from ravao.oversight.titles import default_title
from ravao.units.models import Unit
from ravao.venues.models import Venue

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Sơn", "Tâm"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _canvasser_rounds(canvasser) -> int:
    """Give the demo canvasser a dozen establishments of her commune, four already guided."""
    now = timezone.now()
    mine = TargetEstablishment.objects.filter(assigned_to=canvasser)
    if not mine.exists():
        free = TargetEstablishment.objects.filter(unit=canvasser.unit, assigned_to=None, venue=None).order_by("pk")
        for i, target in enumerate(free[:12]):
            target.assigned_to, target.assigned_at = canvasser, now
            if i < 4 and target.status == TargetStatus.NOT_VISITED:
                target.status, target.visited_at = TargetStatus.GUIDED, now
            target.save(update_fields=["assigned_to", "assigned_at", "status", "visited_at", "updated_at"])
    return mine.count()


def demo(*, province, users, stdout) -> str:
    canvasser = users.get("vandong")
    assigned = _canvasser_rounds(canvasser) if canvasser is not None and canvasser.unit_id else 0
    result = rollup()
    targets = TargetEstablishment.objects.filter(unit__path__startswith=province.path).count()
    lines = [
        f"oversight: rolled up {result['visits']} visits in {result['ms']} ms; "
        f"{targets} target establishments ({assigned} assigned to the canvasser vandong); "
        "run `ravao rollup --loop 60` to keep figures fresh"
    ]
    lines += _responsible_people(province)
    district = getattr(users.get("huyen"), "unit", None)
    if district is not None and district.generation != province.generation:
        seen = Venue.objects.restrict(users["huyen"])
        communes = Unit.objects.filter(pk__in=seen.values("unit_id")).count()
        lines.append(
            f"oversight: huyen ({district.name}, pre-2025 map) sees {seen.count()} venues of {communes} current"
            " communes through the old-to-new table"
        )
    return "\n".join(lines)


def _responsible_people(province) -> list[str]:
    """Chairs of the province and its communes, the director of the health department; a target
    date and a commitment for the communes below target (same names at every run: seeded)."""
    rng = random.Random(province.code)
    due = timezone.localdate() + timedelta(days=30)
    responsibility_set(by=None, unit=province, person_name=_name(rng), target_date=due)
    health = Sector.objects.filter(code="health").first()
    if health is not None:
        responsibility_set(by=None, unit=province, sector=health, person_name=_name(rng), target_date=due)
    user = system_user()
    scope = selectors.Scope(province, None, timezone.localdate(), timezone.localdate(), province.generation)
    doc = selectors.coverage(user=user, scope=scope)
    example = None
    for child in doc["children"]:
        unit = Unit.objects.get(generation=province.generation, code=child["unit"]["code"])
        lagging = child["indicators"]["lagging"]
        row = responsibility_set(
            by=None,
            unit=unit,
            person_name=_name(rng),
            target_date=due if lagging else None,
            commitments=(
                f"Vận động 100% cơ sở trên địa bàn đăng ký và quét mã QR trước ngày {due:%d/%m/%Y}" if lagging else ""
            ),
        )
        if lagging and (example is None or child["indicators"]["registered"] > example[1]):
            example = (row, child["indicators"]["registered"])
    out = [f"oversight: named the chairs of {province.name} and of its {len(doc['children'])} communes"]
    if example:
        row = example[0]
        out.append(
            f"oversight: lagging commune {row.unit.name}: {row.person_name}, {default_title(row.unit)},"
            f" target date {row.target_date:%d/%m/%Y}"
        )
    return out
