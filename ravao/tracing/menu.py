"""Menu entries of the tracing pages (ravao/core/navigation.py collects them; labels in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

CASES = (_("Contact tracing"), _("Open a case, see its contacts, notify and export"))
WINDOWS = (_("Exposure windows"), _("Publish venue-time windows for everyone to check"))
EXPOSURES = (_("Places with possible exposure"), _("The public list that visitors' phones check"))

ENTRIES = [
    Entry("tracing:cases", *CASES, "tracing.trace", 120),
    Entry("tracing:windows", *WINDOWS, "tracing.trace", 130),
    Entry("tracing:exposures", *EXPOSURES, "exposures.read", 140),
]
