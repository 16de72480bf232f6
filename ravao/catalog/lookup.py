"""Venue types found from what people write in a spreadsheet's type column: the code, the
Vietnamese or English name, or a common synonym (``data.SYNONYMS``), accents and case optional.

The one lookup of every import (venues, the door-to-door register, targets) so that "Chợ dân
sinh", "Cho dan sinh", "market" and "Karaoke" mean the same everywhere.
"""

from ravao.catalog.data import SYNONYMS
from ravao.catalog.models import VenueType
from ravao.core.text import fold_words as fold_label


class TypeLookup:
    """Every way of naming a venue type, read once (one query) per import."""

    def __init__(self, queryset=None):
        self.by_label: dict[str, VenueType] = {}
        types = list((queryset if queryset is not None else VenueType.objects.select_related("sector")).all())
        by_code = {vt.code: vt for vt in types}
        # Codes and names first: a synonym never hides another type's own name.
        for vt in types:
            for label in (vt.code, vt.code.replace("_", " "), vt.name_vi, vt.name_en):
                self.by_label.setdefault(fold_label(label), vt)
        for code, labels in SYNONYMS.items():
            if code in by_code:
                for label in labels:
                    self.by_label.setdefault(fold_label(label), by_code[code])

    def find(self, text: str) -> VenueType | None:
        """The type named by ``text``, or None."""
        return self.by_label.get(fold_label(text)) if text and text.strip() else None
