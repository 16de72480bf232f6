"""Reads of mobilisation: the broadcast log and its counts per unit and period (for reports)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ravao.mobilisation.models import Broadcast, Channel
from ravao.units.models import Unit


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, time.min).replace(tzinfo=tz)
    return start, datetime.combine(last + timedelta(days=1), time.min).replace(tzinfo=tz)


def broadcasts_in(*, user, unit: Unit | None = None):
    qs = Broadcast.objects.restrict(user).select_related("unit", "made_by")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("-made_at")


def broadcast_counts(*, units: list[Unit], first: date, last: date, user=None) -> dict[int, dict]:
    """Per unit (its id): broadcasts made in it and below between ``first`` and ``last`` (local
    days, inclusive), by channel and in total. ``user``: only what they may see (None: all,
    for reports already scoped by their caller). The report builder's hook."""
    units = [u for u in units if u is not None]
    out = {u.pk: {Channel.LOUDSPEAKER.value: 0, Channel.RADIO.value: 0, "total": 0} for u in units}
    if not units:
        return out
    start, end = _bounds(first, last)
    qs = Broadcast.objects.all() if user is None else Broadcast.objects.restrict(user)
    common = min((u.path for u in units), key=len)
    prefix = common if all(u.path.startswith(common) for u in units) else ""
    rows = qs.filter(made_at__gte=start, made_at__lt=end, unit__path__startswith=prefix).values_list(
        "unit__path", "channel"
    )
    for path, channel in rows:
        for u in units:
            if path.startswith(u.path):
                out[u.pk][channel] += 1
                out[u.pk]["total"] += 1
    return out
