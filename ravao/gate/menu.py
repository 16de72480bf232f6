"""The gate scanner's menu entry (listed in ravao/core/navigation.py; strings in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

SCANNER = (_("Gate scanner"), _("Scan visitors' QR codes and ID cards at the door, also offline"))
