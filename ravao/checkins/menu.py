"""Menu labels of the check-in pages (kept here so that they live in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

INSIDE = (_("Who is inside"), _("Visitors inside your venues now and today's visits, masked"))
