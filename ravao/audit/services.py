"""The one function every feature calls when it reads, exports or changes personal data."""

from ravao.audit.models import AuditEntry
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
        detail=detail or {},
    )
