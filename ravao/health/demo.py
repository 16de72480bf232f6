"""Demo step: the demo province's health contact (its hotline and health station) and its own rule
for markets (yellow visitors to the screening tent), on top of the national defaults. Automatic
warnings stay off, so that the tracing demo step shows the tracer's own path."""

from ravao.catalog.models import VenueType
from ravao.health.models import ColourRule, GateAction, HealthContact


def demo(*, province, users, stdout=None) -> str:
    HealthContact.objects.update_or_create(
        unit=province,
        defaults={"hotline": "1900 9095", "health_station": "Trạm y tế xã, phường nơi bạn ở (demo)"},
    )
    market = VenueType.objects.filter(code="market").first()
    if market is not None:
        ColourRule.objects.update_or_create(
            unit=province,
            venue_type=market,
            status="yellow",
            defaults={"action": GateAction.REFER, "instruction": "Mời khách ra lều sàng lọc ở cổng chợ (demo)."},
        )
    return f"health: {province.name} hotline and market rule set; national defaults for the rest"
