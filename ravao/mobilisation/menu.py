"""Menu entry of the loudspeaker and radio pages (ravao/core/navigation.py collects it)."""

from django.utils.translation import gettext_lazy as _

from ravao.core.navigation import Entry

ENTRIES = [
    Entry(
        "mobilisation:script",
        _("Loudspeakers and radio"),
        _("Today's announcement script, the notice to post, the broadcasts made"),
        "mobilisation.broadcast",
        56,
    ),
]
