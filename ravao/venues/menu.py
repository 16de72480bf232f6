"""Menu labels of the venue pages (kept here so that they live in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

REGISTRY = (_("Venues"), _("Scan points in your area: search, verify, suspend, print posters"))
IMPORT = (_("Import venues"), _("Register many venues at once from an XLSX or CSV file"))
MINE = (_("My venues"), _("Your venues, entrances, staff and posters"))
