"""Guide pages (public: canvassers hand them out door to door) and their printable PDFs."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe

from ravao.oversight.guides import GUIDES, ROLES, guide_context, guide_pdf


def guides(request):
    return render(
        request,
        "oversight/guides.html",
        {"guides": [(role, str(GUIDES[role]["title"]), str(GUIDES[role]["intro"])) for role in ROLES]},
    )


def guide(request, role: str):
    if role not in GUIDES:
        raise Http404
    language = request.GET.get("lang") or translation.get_language() or "vi"
    language = "en" if language.startswith("en") else "vi"
    if request.GET.get("format") == "pdf":
        response = HttpResponse(guide_pdf(role, language), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="ravao-guide-{role}-{language}.pdf"'
        return response
    ctx = guide_context(role)
    for step in ctx["steps"]:
        step["icon"] = mark_safe(step["icon"])  # built from our own constants only
    return render(request, "oversight/guide.html", {**ctx, "language": language})
