"""The audit log's menu entry (ravao/core/navigation.py collects it)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

ENTRIES = [Entry("audit:list", _("Audit log"), _("Who read personal data, when and why"), "audit.read", 20)]
