"""``{% read_freshness %}``: where the figures of this page were read (replica or primary) and
how far behind that was — empty without replicas (ravao/core/dbrouting.py)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ravao.core.dbrouting import last_read

register = template.Library()


def freshness_text(block) -> str:
    if block is None or block.reason in ("no replica", "pinned"):
        return ""
    lag = f"{block.lag:.0f}" if block.lag is not None else "?"
    if block.reason == "replica":
        return _("Read from a replica %(lag)s s behind the primary.") % {"lag": lag}
    if block.reason == "lagging":
        return _("The replica is %(lag)s s behind: figures read from the primary.") % {"lag": lag}
    return _("The replica cannot be reached: figures read from the primary.")


@register.simple_tag
def read_freshness():
    text = freshness_text(last_read())
    return format_html('<p class="muted small" id="read-freshness">{}</p>', text) if text else ""
