from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from ravao.units.loader import fold
from ravao.units.models import Unit


@login_required
def unit_list(request):
    """The units of the user's jurisdiction: top level first, searchable."""
    generation = request.GET.get("generation") or settings.RAVAO_UNIT_GENERATION
    qs = Unit.objects.restrict(request.user).filter(generation=generation).select_related("parent")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(search_key__contains=fold(q))
    else:
        top = qs.order_by("depth").values_list("depth", flat=True).first()
        qs = qs.filter(depth=top) if top else qs
    page = Paginator(qs.order_by("depth", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "units/list.html", {"page": page, "q": q, "generation": generation})


@login_required
def unit_detail(request, generation: str, code: str):
    unit = Unit.objects.restrict(request.user).filter(generation=generation, code=code).first()
    if unit is None:
        raise Http404
    children = unit.children.order_by("name")
    mapped = unit.successors.select_related("new") if generation != settings.RAVAO_UNIT_GENERATION else []
    return render(
        request,
        "units/detail.html",
        {"unit": unit, "ancestors": unit.ancestors(), "children": children, "mapped": mapped},
    )
