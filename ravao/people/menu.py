"""The declaration form's menu entry (ravao/core/navigation.py collects it)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

ENTRIES = [
    Entry(
        "people:forms",
        _("Health declaration form"),
        _("The versions of the declaration form; publish a new one"),
        "forms.publish",
        25,
    )
]
