"""Menu entries of the health department's pages (ravao/core/navigation.py collects them)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

DECLARANTS = (_("Red and yellow declarants"), _("People of your area who declared a risk: call them, mark them"))
SETTINGS = (_("Health settings"), _("Hotline, automatic warnings, what a venue does with each colour"))

ENTRIES = [
    Entry("health:declarants", *DECLARANTS, "health.followup", 125),
    Entry("health:settings", *SETTINGS, "health.settings", 135),
]
