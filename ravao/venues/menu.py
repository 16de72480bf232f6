"""Menu entries of the venue pages (ravao/core/navigation.py collects them; labels in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

REGISTRY = (_("Venues"), _("Scan points in your area: search, verify, suspend, print posters"))
IMPORT = (_("Import venues"), _("Register many venues at once from an XLSX or CSV file"))
MINE = (_("My venues"), _("Your venues, entrances, staff and posters"))
INVITATIONS = (_("Invitations"), _("Venues that have asked you to work there: accept or decline"))

ENTRIES = [
    Entry("venues:list", *REGISTRY, "venue.registry", 90),
    Entry("venues:import", *IMPORT, "venue.import", 100),
    Entry("venues:mine", *MINE, "venue.mine", 110),
    Entry("venues:invitations", *INVITATIONS, "venue.work", 115),
]
