"""Demo step: roll up the demo visits (the simulator runs before) so that dashboards show figures."""

from ravao.oversight.models import TargetEstablishment
from ravao.oversight.rollup import rollup


def demo(*, province, users, stdout) -> str:
    result = rollup()
    targets = TargetEstablishment.objects.filter(unit__path__startswith=province.path).count()
    return (
        f"oversight: rolled up {result['visits']} visits in {result['ms']} ms; "
        f"{targets} target establishments; run `ravao rollup --loop 60` to keep figures fresh"
    )
