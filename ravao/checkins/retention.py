"""Retention: personal data is deleted after RAVAO_RETENTION_DAYS (PRODUCT.md: one month).

What goes, in this order (``ravao purge``, daily):

1. visits of days older than the cutoff — on PostgreSQL by dropping whole daily partitions
   (one catalogue operation per day, whatever its size) plus the few old rows that sat in the
   DEFAULT partition; on SQLite by batched DELETEs;
2. health declarations made before the cutoff;
3. people not seen since the cutoff who have no visit left (their declarations, notifications
   and closed case follow-ups go with them), except people tied to a tracing case that is still
   open or was opened within the retention period;
4. check-in replay answers (client_id idempotency) past their own, shorter, keep time;
5. tracing cases created and ended before the cutoff, with their follow-ups and notifications
   (``ravao.tracing.services.purge_cases``) — before step 3, so that their people can go;
6. one-time SMS codes that never proved anything, and expired log-in sessions (which may hold
   a pending registration's name and phone);
7. audit entries older than RAVAO_AUDIT_RETENTION_DAYS (two years by default: the log holds
   ids, user names and purposes, and must outlive the data it speaks of long enough to answer
   complaints).

Retention is by whole UTC days: a day is dropped once all of it is older than the cutoff, so
data lives between RAVAO_RETENTION_DAYS and one day more.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ravao.checkins import partitions
from ravao.checkins.models import Visit
from ravao.people.models import Person

BATCH = 10_000


@dataclass
class PurgeReport:
    cutoff: datetime
    partitions_dropped: list[str] = field(default_factory=list)
    visits_deleted: int = 0  # rows deleted one by one (SQLite, DEFAULT partition)
    visits_dropped: int = 0  # rows in dropped partitions (estimated from the catalogue)
    declarations_deleted: int = 0
    people_deleted: int = 0
    replays_deleted: int = 0
    cases_deleted: int = 0
    codes_deleted: int = 0
    audit_deleted: int = 0
    sessions_cleared: bool = False

    def line(self) -> str:
        return (f"Purged data before {self.cutoff:%Y-%m-%d %H:%M} UTC: {len(self.partitions_dropped)} partitions "
                f"dropped (~{self.visits_dropped:,} visits), {self.visits_deleted:,} visits deleted, "
                f"{self.declarations_deleted:,} declarations, {self.people_deleted:,} people, "
                f"{self.replays_deleted:,} replay answers, {self.cases_deleted:,} tracing cases, "
                f"{self.codes_deleted:,} SMS codes, {self.audit_deleted:,} audit entries")


def retention_cutoff(*, now: datetime | None = None, days: int | None = None) -> datetime:
    """Start (UTC midnight) of the oldest day that is kept."""
    now = now or timezone.now()
    days = settings.RAVAO_RETENTION_DAYS if days is None else days
    oldest = (now - timedelta(days=days)).astimezone(UTC)
    return datetime(oldest.year, oldest.month, oldest.day, tzinfo=UTC)


def purge(*, now: datetime | None = None, days: int | None = None, batch: int = BATCH, using: str = "default",
          progress=None) -> PurgeReport:
    """Delete personal data older than the retention period (see the module docstring)."""
    progress = progress or (lambda line: None)
    report = PurgeReport(cutoff=retention_cutoff(now=now, days=days))
    purge_visits(report, batch=batch, using=using)
    progress(f"visits: {len(report.partitions_dropped)} partitions dropped, {report.visits_deleted:,} rows deleted")
    report.declarations_deleted = _purge_declarations(report.cutoff, batch=batch, using=using)
    report.cases_deleted = _purge_cases(report.cutoff)
    report.people_deleted = purge_people(report.cutoff, batch=batch, using=using)
    progress(f"people: {report.people_deleted:,} deleted")
    report.replays_deleted = _purge_replays(now=now)
    report.codes_deleted = _purge_codes(report.cutoff)
    report.sessions_cleared = _clear_sessions()
    report.audit_deleted = _purge_audit(now=now)
    return report


def purge_visits(report: PurgeReport, *, batch: int = BATCH, using: str = "default") -> None:
    conn = connections[using]
    cutoff = report.cutoff
    if partitions.is_partitioned(conn):
        sizes = {name: rows for name, rows, _ in partitions.partition_sizes(conn)}
        report.partitions_dropped = partitions.drop_partitions_before(cutoff.date(), conn=conn)
        report.visits_dropped = sum(sizes.get(name, 0) for name in report.partitions_dropped)
        table = f"{partitions.TABLE}_default"
        report.visits_deleted = _delete_batches(
            conn, f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} "
                  f"WHERE checked_in_at < %s LIMIT {int(batch)}))", [cutoff])
        return
    report.visits_deleted = _delete_batches(
        conn, f"DELETE FROM {Visit._meta.db_table} WHERE id IN (SELECT id FROM {Visit._meta.db_table} "
              f"WHERE checked_in_at < %s LIMIT {int(batch)})", [cutoff])


def _delete_batches(conn, sql: str, params: list) -> int:
    """Run a bounded DELETE until it deletes nothing: short transactions, short locks."""
    total = 0
    while True:
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            cur.execute(sql, params)
            n = cur.rowcount
        total += max(n, 0)
        if n <= 0:
            return total


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _purge_declarations(cutoff: datetime, *, batch: int, using: str) -> int:
    Declaration = _model("people.Declaration")
    if Declaration is None:
        return 0
    total = 0
    while True:
        ids = list(Declaration.objects.using(using).filter(created_at__lt=cutoff).values_list("id", flat=True)[:batch])
        if not ids:
            return total
        total += Declaration.objects.using(using).filter(id__in=ids).delete()[0]


def _kept_for_tracing(cutoff: datetime) -> Q:
    """People tied to a case still being traced (open, or opened within retention)."""
    Case = _model("tracing.Case")
    if Case is None:
        return Q(pk__in=[])
    live = Q(status__in=["open", "traced"]) | Q(created_at__gte=cutoff)
    cases = Case.objects.filter(live)
    keep = Q(Exists(cases.filter(person_id=OuterRef("pk"))))
    Trace = _model("tracing.ContactTrace")
    if Trace is not None:
        keep |= Q(Exists(Trace.objects.filter(person_id=OuterRef("pk"), case__in=cases)))
    return keep


def purge_people(cutoff: datetime, *, batch: int = BATCH, using: str = "default") -> int:
    """People not seen since ``cutoff`` with no visit left, in batches, with what hangs off them
    (declarations, notifications, follow-ups of closed cases; companions lose their guardian)."""
    visits = Visit.objects.using(using).filter(person_id=OuterRef("pk"))
    candidates = (
        Person.objects.using(using)
        .filter(last_seen_at__lt=cutoff)
        .exclude(Exists(visits))
        .exclude(_kept_for_tracing(cutoff))
        .order_by("id")
    )
    total, after = 0, 0
    while True:
        ids = list(candidates.filter(id__gt=after).values_list("id", flat=True)[:batch])
        if not ids:
            return total
        after = ids[-1]
        with transaction.atomic(using=using):
            total += _delete_people(ids, using=using)


def _delete_people(ids: list[int], *, using: str) -> int:
    """Delete these people and their dependants as Django's collector would, except that the
    visit table is not searched again: the candidates were chosen for having no visit left, and
    a cascade over every daily partition for thousands of ids is the costly part."""
    # Every reverse relation, hidden ones (related_name="+") included, as the collector sees them.
    relations = [
        f for f in Person._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many) and f.related_model is not Visit
    ]
    if any(r.on_delete not in (models.CASCADE, models.SET_NULL) or r.many_to_many for r in relations):
        # A relation this shortcut does not know how to follow: let Django do it all.
        return Person.objects.using(using).filter(id__in=ids).only("id").delete()[1].get(Person._meta.label, 0)
    for rel in relations:
        related = rel.related_model._base_manager.using(using).filter(**{f"{rel.field.name}__in": ids})
        if rel.on_delete is models.SET_NULL:
            related.update(**{rel.field.name: None})
        else:
            related.delete()
    marks = ", ".join(["%s"] * len(ids))
    with connections[using].cursor() as cur:
        cur.execute(f"DELETE FROM {Person._meta.db_table} WHERE id IN ({marks})", ids)
        return cur.rowcount


def _purge_replays(*, now: datetime | None) -> int:
    try:
        from ravao.checkins.replay import purge as replays_purge
    except ImportError:
        return 0
    if now is None:
        return replays_purge()
    from ravao.checkins import conf

    return replays_purge(before=now - timedelta(hours=conf.replay_keep_hours()))


def _purge_cases(cutoff: datetime) -> int:
    try:
        from ravao.tracing.services import purge_cases
    except ImportError:
        return 0
    return purge_cases(before=cutoff)["cases"]


def _purge_codes(cutoff: datetime) -> int:
    """SMS codes older than the cutoff that proved no account (used ones are the account's
    proof of its phone and go with the account)."""
    PhoneOTP = _model("venues.PhoneOTP")
    if PhoneOTP is None:
        return 0
    return PhoneOTP.objects.filter(created_at__lt=cutoff, user__isnull=True).delete()[0]


def _purge_audit(*, now: datetime | None) -> int:
    from ravao.audit.services import audit_purge

    return audit_purge(before=(now or timezone.now()) - timedelta(days=settings.RAVAO_AUDIT_RETENTION_DAYS))


def _clear_sessions() -> bool:
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return True
