"""The gate scanner's menu entry (ravao/core/navigation.py collects it; strings in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

SCANNER = (_("Gate scanner"), _("Scan visitors' QR codes and ID cards at the door, also offline"))

ENTRIES = [
    Entry("gate:scanner", *SCANNER, "gate.scan", 70),
]
