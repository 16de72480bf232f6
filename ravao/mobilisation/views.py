"""Pages: a unit's loudspeaker or radio script with its live figures, the printable notice, and
the log of broadcasts made."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.errors import ServiceError
from ravao.mobilisation import scripts, selectors, services
from ravao.mobilisation.models import Channel
from ravao.units.models import Unit


def _require(request) -> None:
    if not policy.can(request.user, "mobilisation.broadcast"):
        raise PermissionDenied


def _unit(request) -> Unit:
    """The unit asked for (?unit=code, in the user's area), else the user's own; 404 otherwise."""
    code = (request.GET.get("unit") or request.POST.get("unit") or "").strip()[:32]
    units = Unit.objects.restrict(request.user)
    if code:
        generation = (request.GET.get("generation") or request.POST.get("generation") or "")[:16]
        found = units.filter(code=code, generation=generation or settings.RAVAO_UNIT_GENERATION).first()
    else:  # their own unit, on whichever map it lies (a district exists only on the pre-2025 map)
        found = units.filter(pk=request.user.unit_id).first()
    if found is None:
        raise Http404
    return found


def _language(request) -> str:
    lang = request.GET.get("lang") or (get_language() or "vi")[:2]
    return lang if lang in dict(settings.LANGUAGES) else "vi"


@login_required
def script(request):
    """The script to read today, its length, the notice to print, the log form and the log."""
    _require(request)
    unit = _unit(request)
    channel = request.GET.get("channel", "")
    channel = channel if channel in Channel.values else scripts.default_channel(unit)
    if request.method == "POST":
        try:
            made_at = _moment(request.POST.get("made_at", ""))
            services.broadcast_record(
                by=request.user,
                unit=unit,
                channel=request.POST.get("channel", ""),
                made_at=made_at,
                place=request.POST.get("place", ""),
                script=request.POST.get("script", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The broadcast was logged."))
        return redirect(f"{request.path}?unit={unit.code}&generation={unit.generation}&channel={channel}")
    text = scripts.script_text(unit, channel=channel, language=_language(request))
    log = Paginator(selectors.broadcasts_in(user=request.user, unit=unit), 30).get_page(request.GET.get("page"))
    children = Unit.objects.restrict(request.user).filter(parent=unit).order_by("name")[:500]
    return render(
        request,
        "mobilisation/script.html",
        {
            "unit": unit,
            "channel": channel,
            "channels": Channel.choices,
            "text": text,
            "paragraphs": text.split("\n\n"),
            "words": scripts.word_count(text),
            "seconds": scripts.reading_seconds(text),
            "page": log,
            "children": children,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


def _moment(text: str) -> datetime | None:
    """A datetime-local field (YYYY-MM-DDTHH:MM) as an aware moment; empty: now."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text[:16])
    except ValueError:
        raise ServiceError(_("Give the date and time of the broadcast.")) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def notice(request):
    """The printable notice (PDF) for village and residential-group boards."""
    _require(request)
    unit = _unit(request)
    content = scripts.notice_pdf(unit, language=_language(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ravao-notice-{unit.code}.pdf"'
    return response
