"""Tracing settings (defined in ravao/settings.py from the environment; docs/configuration.md).

* ``RAVAO_TRACING_BUFFER_MINUTES`` (60): default buffer around a case visit.
* ``RAVAO_TRACING_MAX_STAY_HOURS`` (24): the longest visit tracing looks back for (or a venue's
  default stay if longer). Queries bound ``checked_in_at`` from below by
  ``case visit in - buffer - max stay`` so that PostgreSQL prunes the daily partitions (see
  docs/tracing.md).
* ``RAVAO_EXPOSURE_WINDOW_DAYS`` (14): how long a published window stays in the public feed after
  it ends.
"""

from django.conf import settings


def buffer_minutes() -> int:
    return getattr(settings, "RAVAO_TRACING_BUFFER_MINUTES", 60)


def max_stay_hours() -> int:
    return getattr(settings, "RAVAO_TRACING_MAX_STAY_HOURS", 24)


def exposure_window_days() -> int:
    return getattr(settings, "RAVAO_EXPOSURE_WINDOW_DAYS", 14)
