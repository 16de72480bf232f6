"""Oversight's figures on /metrics: how old the dashboards' aggregates are."""

from django.db import DatabaseError
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from ravao.oversight.models import RollupState
from ravao.oversight.rollup import STATE


def rollup_metrics():
    """The rollup's lag and last duration, for /metrics (ravao/core/metrics.py)."""
    try:
        row = RollupState.objects.filter(name=STATE).values_list("last_run_at", "last_duration_ms").first()
    except DatabaseError:
        return
    lag = GaugeMetricFamily(
        "ravao_rollup_lag_seconds",
        "Seconds since the oversight rollup last finished "
        "(the age of the dashboards' figures; absent before its first run).",
    )
    duration = GaugeMetricFamily("ravao_rollup_last_duration_seconds", "How long the last rollup run took.")
    if row and row[0]:
        lag.add_metric([], (timezone.now() - row[0]).total_seconds())
        duration.add_metric([], row[1] / 1000)
    yield lag
    yield duration
