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


def unit_resolve(text: str, *, generation: str = "", within: Unit | None = None) -> Unit | None:
    """The one unit that ``text`` names: an exact code, "code — name" as the picker fills it in,
    or a name (accents optional) that matches a single unit (inside ``within`` if given)."""
    text = (text or "").strip()
    if not text:
        return None
    qs = Unit.objects.filter(generation=generation or settings.RAVAO_UNIT_GENERATION)
    if within is not None:
        qs = qs.within(within)
    code = text.split("—", 1)[0].strip()
    by_code = qs.filter(code=code).first()
    if by_code is not None:
        return by_code
    key = fold(text)
    exact = list(qs.filter(search_key=key)[:2])
    if len(exact) == 1:
        return exact[0]
    matches = list(qs.filter(search_key__contains=key)[:2])
    return matches[0] if len(matches) == 1 else None
