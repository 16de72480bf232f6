"""The client's address, also behind a reverse proxy (RAVAO_CLIENT_IP_HEADER).

The one place that reads it: the audit log, the rate limits (ravao/core/ratelimit.py) and the
SMS-code limit all ask ``client_ip``, so that they agree on who the client is.
"""

import ipaddress

from django.conf import settings


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address the request came from: the proxy's header when one is configured (e.g.
    ``HTTP_X_REAL_IP``), else REMOTE_ADDR.

    A list (``HTTP_X_FORWARDED_FOR``: "client-claim, ..., what-our-proxy-saw") counts by its
    last entry, the one our own proxy appended: the entries before it come from the client and
    could be anything. A header that is missing or not an address (a misconfigured proxy) falls
    back to REMOTE_ADDR; the audit log's address field only ever receives a valid address."""
    if request is None:
        return None
    meta = request.META
    header = settings.RAVAO_CLIENT_IP_HEADER
    if header and meta.get(header):
        found = _valid(meta[header].split(",")[-1])
        if found:
            return found
    return _valid(meta.get("REMOTE_ADDR") or "")
