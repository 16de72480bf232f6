"""Menu entries of the check-in pages (ravao/core/navigation.py collects them; labels in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

INSIDE = (_("Who is inside"), _("Visitors inside your venues now and today's visits, masked"))

ENTRIES = [
    Entry("checkins:venues", *INSIDE, "venue.inside", 80),
]
