"""Demo step: roll up the demo visits (the simulator runs before) so that dashboards show figures."""

from django.utils import timezone

from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.oversight.rollup import rollup


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
    return (
        f"oversight: rolled up {result['visits']} visits in {result['ms']} ms; "
        f"{targets} target establishments ({assigned} assigned to the canvasser vandong); "
        "run `ravao rollup --loop 60` to keep figures fresh"
    )
