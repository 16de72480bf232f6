"""Menu entries of the oversight pages (ravao/core/navigation.py collects them; labels in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

DASHBOARD = (_("Deployment progress"), _("Scan points, scans and visitors by area and sector; reports"))
CAMPAIGN = (_("Door-to-door campaign"), _("Target establishments, visits and registration"))
GUIDES = (_("Guides"), _("Illustrated guides to read or print, per role"))

ENTRIES = [
    Entry("oversight:dashboard", *DASHBOARD, "oversight.view", 40),
    Entry("oversight:campaign", *CAMPAIGN, "campaign.run", 50),
    Entry("oversight:guides", *GUIDES, "guides.read", 60),
]
