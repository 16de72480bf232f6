"""The one function every feature calls when it reads, exports or changes personal data."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ravao.audit.models import AuditEntry
from ravao.core import retention
from ravao.core.net import client_ip


def audit_record(
    *,
    user,
    action: str,
    object_type: str,
    object_id="",
    purpose: str = "",
    case_id: int | None = None,
    unit=None,
    unit_id: int | None = None,
    request=None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the audit log (who, what, when, from where, why)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose[:255],
        case_id=case_id,
        ip=client_ip(request),
        unit=unit,
        **({"unit_id": unit_id} if unit is None and unit_id is not None else {}),
        detail=detail or {},
    )


def audit_purge(*, before, batch: int = 10_000) -> int:
    """Delete audit entries older than ``before`` (``ravao purge``: RAVAO_AUDIT_RETENTION_DAYS).
    The only way entries ever go: by age, in whole batches, never one by one through the ORM
    (which refuses: the log is append-only)."""
    table = AuditEntry._meta.db_table
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE at < %s LIMIT {int(batch)})", [before]
            )
            n = cur.rowcount
        total += max(n, 0)
        if n <= 0:
            return total


def _purge_step(ctx: retention.PurgeContext, report: retention.PurgeReport) -> int:
    return audit_purge(before=(ctx.now or timezone.now()) - timedelta(days=settings.RAVAO_AUDIT_RETENTION_DAYS))


def register_retention() -> None:
    retention.register("audit_entries", order=90, run=_purge_step)
