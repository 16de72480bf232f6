"""The administrative map's menu entry (ravao/core/navigation.py collects it)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

ENTRIES = [Entry("units:list", _("Administrative map"), _("Units in your area, population"), "units.view", 10)]
