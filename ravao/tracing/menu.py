"""Menu entries of the tracing pages (labels kept here so that they live in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

CASES = (_("Contact tracing"), _("Open a case, see its contacts, notify and export"))
WINDOWS = (_("Exposure windows"), _("Publish venue-time windows for everyone to check"))
EXPOSURES = (_("Places with possible exposure"), _("The public list that visitors' phones check"))
