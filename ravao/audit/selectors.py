from datetime import date

from ravao.audit.models import AuditEntry


def audit_list(
    *,
    user,
    username: str = "",
    action: str = "",
    object_type: str = "",
    case_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
):
    """Audit entries the user may review (auditors and national admins), newest first."""
    qs = AuditEntry.objects.restrict(user)
    if username:
        qs = qs.filter(username=username)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.select_related("unit")
