from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ravao.units.selectors import unit_by_code, unit_search

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    generation: str
    parent: str | None = None
    parent_name: str | None = None
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_parent_name(obj):
        return obj.parent.name if obj.parent_id else None


class UnitDetailOut(UnitOut):
    children: list[UnitOut]

    @staticmethod
    def resolve_children(obj):
        return list(obj.children.select_related("parent").order_by("code"))


@router.get("", response=list[UnitOut], auth=None, summary="Search units (public: the unit picker)")
def list_units(request, q: str = "", level: str = "", parent: str = "", generation: str = "", limit: int = 20):
    return list(unit_search(q=q, level=level, parent=parent, generation=generation, limit=min(max(limit, 1), 100)))


@router.get("/{code}", response=UnitDetailOut, auth=None, summary="One unit with its children (public)")
def unit_detail(request, code: str, generation: str = ""):
    unit = unit_by_code(code, generation=generation)
    if unit is None:
        raise Http404(_("No unit with code %(code)s.") % {"code": code})
    return unit
