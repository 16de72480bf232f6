"""Retention of check-in data (``ravao purge``; the coordination is ``ravao.core.retention``).

The check-in app deletes what only it knows: visits (whole daily partitions on PostgreSQL),
people no longer seen who have no visit left, and replay answers. It registers these steps
in ``CheckinsConfig.ready``; the steps' order and the other apps' steps are listed in
``ravao/core/retention.py``.
"""

from datetime import timedelta

from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef

from ravao.checkins import conf, partitions, replay
from ravao.checkins.models import GateOutcome, Visit
from ravao.core import retention
from ravao.core.retention import PurgeContext, PurgeReport
from ravao.people.models import Person


def purge_visits(ctx: PurgeContext, report: PurgeReport) -> int:
    """Old visits: returns the rows deleted one by one; dropped partitions and their estimated
    rows (from the catalogue) go into the report."""
    conn = connections[ctx.using]
    if partitions.is_partitioned(conn):
        sizes = {name: rows for name, rows, _ in partitions.partition_sizes(conn)}
        report.partitions_dropped = partitions.drop_partitions_before(ctx.cutoff.date(), conn=conn)
        report.counts["visits_in_dropped_partitions"] = sum(sizes.get(n, 0) for n in report.partitions_dropped)
        table = f"{partitions.TABLE}_default"
        return _delete_batches(
            conn,
            f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} "
            f"WHERE checked_in_at < %s LIMIT {int(ctx.batch)}))",
            [ctx.cutoff],
        )
    return _delete_batches(
        conn,
        f"DELETE FROM {Visit._meta.db_table} WHERE id IN (SELECT id FROM {Visit._meta.db_table} "
        f"WHERE checked_in_at < %s LIMIT {int(ctx.batch)})",
        [ctx.cutoff],
    )


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


def purge_people(ctx: PurgeContext, report: PurgeReport | None = None) -> int:
    """People not seen since the cutoff with no visit left and no keep rule holding them, in
    batches, with what hangs off them (declarations, notifications, follow-ups of closed cases;
    companions lose their guardian)."""
    cutoff, batch, using = ctx.cutoff, ctx.batch, ctx.using
    visits = Visit.objects.using(using).filter(person_id=OuterRef("pk"))
    candidates = (
        Person.objects.using(using)
        .filter(last_seen_at__lt=cutoff)
        .exclude(Exists(visits))
        .exclude(retention.kept("people.Person", cutoff))
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
        f
        for f in Person._meta.get_fields(include_hidden=True)
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


def purge_replays(ctx: PurgeContext, report: PurgeReport) -> int:
    if ctx.now is None:
        return replay.purge()
    return replay.purge(before=ctx.now - timedelta(hours=conf.replay_keep_hours()))


def purge_gate_outcomes(ctx: PurgeContext, report: PurgeReport | None = None) -> int:
    """Refusals and referrals at gates recorded before the cutoff, in batches (like visits)."""
    found = GateOutcome.objects.using(ctx.using)
    total = 0
    while ids := list(found.filter(at__lt=ctx.cutoff).values_list("id", flat=True)[: ctx.batch]):
        total += found.filter(id__in=ids).delete()[0]
    return total


def register() -> None:
    retention.register("visits", order=10, run=purge_visits)
    retention.register("gate_outcomes", order=15, run=purge_gate_outcomes)
    retention.register("people", order=40, run=purge_people)
    retention.register("replay_answers", order=50, run=purge_replays)
