"""The client's address, also behind a reverse proxy (RAVAO_CLIENT_IP_HEADER)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the request came from: the proxy's header when one is configured (e.g.
    ``HTTP_X_REAL_IP``, set by the proxy itself, never taken from the client), else REMOTE_ADDR."""
    if request is None:
        return None
    meta = request.META
    header = settings.RAVAO_CLIENT_IP_HEADER
    value = (meta.get(header) if header else None) or meta.get("REMOTE_ADDR") or ""
    # X-Forwarded-For style lists: the proxy appends, the first entry is the client's claim.
    return value.split(",")[-1].strip() or None
