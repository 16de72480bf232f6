"""Menu entries of the organisation pages (ravao/core/navigation.py collects them)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

ENTRIES = [
    Entry(
        "organisations:canvassers",
        _("Canvassers"),
        _("Members of the mass organisations enlisted for the door-to-door campaign"),
        "campaign.canvassers",
        52,
    ),
    Entry(
        "organisations:list",
        _("Organisations"),
        _("Mass organisations, industrial zones, enterprises, operators, universities"),
        "organisations.view",
        54,
    ),
]
