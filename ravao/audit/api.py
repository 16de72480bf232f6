from datetime import datetime

from ninja import Router, Schema

from ravao.accounts import policy
from ravao.audit.selectors import audit_list
from ravao.core.params import Day, Id, Offset

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: datetime
    username: str
    action: str
    object_type: str
    object_id: str
    purpose: str
    case_id: int | None
    ip: str | None


class AuditPage(Schema):
    count: int
    items: list[AuditOut]


@router.get("", response=AuditPage, summary="The audit log (auditors), newest first")
def list_audit(
    request,
    username: str = "",
    action: str = "",
    object_type: str = "",
    case: Id | None = None,
    since: Day | None = None,
    until: Day | None = None,
    limit: int = 100,
    offset: Offset = 0,
):
    user = policy.require(request.auth, "audit.read")
    qs = audit_list(
        user=user, username=username, action=action, object_type=object_type, case_id=case, since=since, until=until
    )
    limit = min(max(limit, 1), 1000)
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}
