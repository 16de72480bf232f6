"""Reads of the administrative map, shared by pages, the API and commands."""

from django.conf import settings
from django.db.models import Q

from ravao.units.loader import fold
from ravao.units.models import Unit


def unit_search(*, q: str = "", level: str = "", parent: str = "", generation: str = "", limit: int = 20):
    """Units whose name or code matches ``q`` (accents optional), with their parent."""
    qs = Unit.objects.filter(generation=generation or settings.RAVAO_UNIT_GENERATION).select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    q = q.strip()
    if q:
        qs = qs.filter(Q(code=q) | Q(search_key__contains=fold(q)))
    return qs.order_by("depth", "name")[:limit]


def unit_by_code(code: str, *, generation: str = "") -> Unit | None:
    return Unit.objects.filter(code=code, generation=generation or settings.RAVAO_UNIT_GENERATION).first()
