"""Retention: personal data is deleted after RAVAO_RETENTION_DAYS (one month by default).

Each app owns the deletion of its own data and registers it here from its ``AppConfig.ready``
as a *step* with an order; ``ravao purge`` (daily) runs :func:`purge` which runs the steps in
that order. An app that must keep another app's rows alive (tracing keeps the people of a
case still being traced) registers a *keep rule* for that model instead of being imported by
the app that deletes them. This module imports no feature app.

The steps, as the apps register them:

10. visits of days older than the cutoff (checkins) — on PostgreSQL by dropping whole daily
    partitions, plus the few old rows of the DEFAULT partition; on SQLite by batched DELETEs;
15. gate refusals and referrals (``GateOutcome``) recorded before the cutoff (checkins);
20. health declarations made before the cutoff (people), with their follow-up marks;
30. tracing cases created and ended before the cutoff, with their follow-ups and
    notifications (tracing) — before people, so that their people can go;
40. people not seen since the cutoff who have no visit left, except those a keep rule holds
    (checkins, which knows the visits);
50. check-in replay answers past their own, shorter, keep time (checkins);
60. one-time SMS codes that never proved anything (venues);
70. expired log-in sessions, which may hold a pending registration's name and phone;
90. audit entries older than RAVAO_AUDIT_RETENTION_DAYS (audit: two years by default, the
    log must outlive the data it speaks of long enough to answer complaints).

Retention is by whole UTC days: a day is dropped once all of it is older than the cutoff, so
data lives between RAVAO_RETENTION_DAYS and one day more.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

BATCH = 10_000


@dataclass
class PurgeContext:
    """What every step gets: the cutoff, the clock the run uses, batch size and database."""

    cutoff: datetime
    now: datetime | None
    batch: int
    using: str


@dataclass
class PurgeReport:
    """Counts per step (``counts["people"]``) and the dropped visit partitions."""

    cutoff: datetime
    counts: dict[str, int] = field(default_factory=dict)
    partitions_dropped: list[str] = field(default_factory=list)

    def line(self) -> str:
        parts = [f"{len(self.partitions_dropped)} partitions dropped"]
        parts += [f"{value:,} {name.replace('_', ' ')}" for name, value in self.counts.items()]
        return f"Purged data before {self.cutoff:%Y-%m-%d %H:%M} UTC: " + ", ".join(parts)


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    run: Callable[[PurgeContext, PurgeReport], int | None]


_steps: dict[str, Step] = {}
_keep_rules: dict[str, list[Callable[[datetime], Q]]] = {}


def register(name: str, *, order: int, run: Callable[[PurgeContext, PurgeReport], int | None]) -> None:
    """Add (or replace, so that ``ready`` may run twice) a step; ``run`` returns the number of
    rows it deleted, or None when it cannot tell (it is then left out of the report)."""
    _steps[name] = Step(order=order, name=name, run=run)


def register_keep(model_label: str, rule: Callable[[datetime], Q]) -> None:
    """``rule(cutoff)`` is a Q over ``model_label`` for rows that must outlive the cutoff."""
    rules = _keep_rules.setdefault(model_label, [])
    if rule not in rules:
        rules.append(rule)


def kept(model_label: str, cutoff: datetime) -> Q:
    """The rows of ``model_label`` that some app needs past the cutoff (an empty match if none)."""
    q = Q(pk__in=[])
    for rule in _keep_rules.get(model_label, []):
        q |= rule(cutoff)
    return q


def retention_cutoff(*, now: datetime | None = None, days: int | None = None) -> datetime:
    """Start (UTC midnight) of the oldest day that is kept."""
    now = now or timezone.now()
    days = settings.RAVAO_RETENTION_DAYS if days is None else days
    oldest = (now - timedelta(days=days)).astimezone(UTC)
    return datetime(oldest.year, oldest.month, oldest.day, tzinfo=UTC)


def purge(
    *, now: datetime | None = None, days: int | None = None, batch: int = BATCH, using: str = "default", progress=None
) -> PurgeReport:
    """Run every registered step in order (see the module docstring)."""
    progress = progress or (lambda line: None)
    ctx = PurgeContext(cutoff=retention_cutoff(now=now, days=days), now=now, batch=batch, using=using)
    report = PurgeReport(cutoff=ctx.cutoff)
    for step in sorted(_steps.values(), key=lambda s: s.order):
        count = step.run(ctx, report)
        if count is not None:
            report.counts[step.name] = count
            progress(f"{step.name}: {count:,}")
    return report


def _clear_sessions(ctx: PurgeContext, report: PurgeReport) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


register("expired_sessions", order=70, run=_clear_sessions)
