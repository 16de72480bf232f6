"""Menu entries of the oversight pages (labels kept here so that they live in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

DASHBOARD = (_("Deployment progress"), _("Scan points, scans and visitors by area and sector; reports"))
CAMPAIGN = (_("Door-to-door campaign"), _("Target establishments, visits and registration"))
GUIDES = (_("Guides"), _("Illustrated guides to read or print, per role"))
