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


def unit_candidates(text: str, *, units=None, limit: int = 10) -> list[Unit]:
    """Units that ``text`` may name, best first: an exact code, "code — name, parent" as the
    picker fills it in, an exact name (accents optional), a name without its kind ("Thuận Hóa"
    for "Phường Thuận Hóa"), then names containing it. ``units``: the queryset to look in
    (default: the current generation); callers pass it already restricted to a jurisdiction."""
    text = (text or "").strip()
    if not text:
        return []
    qs = (Unit.objects.current() if units is None else units).select_related("parent")
    code = text.split("—", 1)[0].strip()
    key = fold(text.split("—", 1)[1].split(",", 1)[0] if "—" in text else text).strip()
    for q in (Q(code=code), Q(search_key=key), Q(search_key__endswith=" " + key), Q(search_key__contains=key)):
        found = list(qs.filter(q).order_by("depth", "name")[:limit])
        if found:
            return found
    return []


def unit_resolve(text: str, *, generation: str = "", within: Unit | None = None) -> Unit | None:
    """The one unit that ``text`` names (see ``unit_candidates``), or None if none or several."""
    qs = Unit.objects.filter(generation=generation or settings.RAVAO_UNIT_GENERATION)
    if within is not None:
        qs = qs.within(within)
    found = unit_candidates(text, units=qs, limit=2)
    return found[0] if len(found) == 1 else None
