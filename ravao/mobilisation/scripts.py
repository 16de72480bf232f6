"""The loudspeaker and radio script of a unit, made from live figures, and the printed notice
for village and residential-group boards (one text, two forms).

A commune's script is read on its loudspeakers, a district's on district radio; 200 to 300
words, one to two minutes read aloud (≈ 150 words a minute). The text is Vietnamese by default
(``language``), every sentence translatable.
"""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ravao.core.baseurl import base_url
from ravao.core.fonts import BOLD, REGULAR, register_fonts
from ravao.mobilisation.models import Channel
from ravao.units.models import Unit

WORDS_PER_MINUTE = 150  # read slowly and clearly on a loudspeaker
PENDING_NAMES = 3


@dataclass
class Figures:
    """What the script says about a unit today."""

    day: date
    registered: int = 0
    active_7d: int = 0
    pending: int = 0
    pending_names: list[str] = field(default_factory=list)
    communes: int = 0
    communes_without: int = 0


def figures_for(unit: Unit, *, day: date | None = None) -> Figures:
    """Live figures of ``unit`` and below: venues registered (not closed), venues with scans in
    the last 7 days, door-to-door targets not yet registered, communes with no venue at all."""
    from ravao.oversight.models import TargetEstablishment, TargetStatus, VenueDay
    from ravao.oversight.rollup import local_day
    from ravao.venues.models import Venue, VenueStatus

    day = day or local_day(timezone.now())
    below = {"unit__path__startswith": unit.path}
    venues = Venue.objects.filter(**below).exclude(status=VenueStatus.CLOSED)
    pending = TargetEstablishment.objects.filter(
        **below, status__in=[TargetStatus.NOT_VISITED, TargetStatus.GUIDED]
    ).order_by("name")
    communes = Unit.objects.filter(path__startswith=unit.path, children__isnull=True)
    with_venues = venues.values("unit_id").distinct()
    return Figures(
        day=day,
        registered=venues.count(),
        active_7d=VenueDay.objects.filter(**below, day__gte=day - timedelta(days=6), day__lte=day)
        .values("venue_id")
        .distinct()
        .count(),
        pending=pending.count(),
        pending_names=list(pending.values_list("name", flat=True)[:PENDING_NAMES]),
        communes=communes.count(),
        communes_without=communes.exclude(pk__in=with_venues).count(),
    )


def default_channel(unit: Unit) -> str:
    """A commune's loudspeakers; district (or province) radio above."""
    return Channel.LOUDSPEAKER if not unit.children.exists() else Channel.RADIO


MAX_WORDS = 300  # two minutes at most


def script_text(unit: Unit, *, channel: str = "", language: str = "vi", day: date | None = None) -> str:
    """The script of ``unit`` for ``channel``, paragraphs separated by blank lines. Names of
    establishments not yet registered are read out as long as the script stays within two
    minutes (``MAX_WORDS``)."""
    channel = channel if channel in Channel.values else default_channel(unit)
    language = language if language in dict(settings.LANGUAGES) else "vi"
    figures = figures_for(unit, day=day)
    names = list(figures.pending_names)
    while True:
        figures.pending_names = names
        with translation.override(language):
            text = render_to_string(
                "mobilisation/script.txt",
                {
                    "unit": unit.name,
                    "f": figures,
                    "radio": channel == Channel.RADIO,
                    "hotline": settings.RAVAO_HOTLINE,
                    "site": base_url().split("://", 1)[-1].rstrip("/"),
                },
            )
        paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
        text = "\n\n".join(p for p in paragraphs if p)
        if not names or word_count(text) <= MAX_WORDS:
            return text
        names.pop()


def word_count(text: str) -> int:
    return len(text.split())


def reading_seconds(text: str) -> int:
    return round(word_count(text) * 60 / WORDS_PER_MINUTE)


def notice_pdf(unit: Unit, *, language: str = "vi", day: date | None = None) -> bytes:
    """The printable notice (A4) for village and residential-group boards: the same text as the
    loudspeaker script, with a title and the committee's name."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    language = language if language in dict(settings.LANGUAGES) else "vi"
    text = script_text(unit, channel=Channel.LOUDSPEAKER, language=language, day=day)
    register_fonts()
    head = ParagraphStyle("head", fontName=BOLD, fontSize=11, leading=14, alignment=1)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=20, leading=26, alignment=1, spaceBefore=8)
    sub = ParagraphStyle("sub", fontName=BOLD, fontSize=13, leading=17, alignment=1, spaceAfter=10)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=13, leading=18, spaceAfter=8, alignment=4)
    with translation.override(language):
        story = [
            Paragraph(_("PEOPLE'S COMMITTEE OF %(unit)s") % {"unit": unit.name.upper()}, head),
            Spacer(1, 6 * mm),
            Paragraph(_("NOTICE"), title),
            Paragraph(_("Scanning QR codes when entering public places"), sub),
        ]
        story += [Paragraph(p, body) for p in text.split("\n\n")]
        doc_title = _("Notice: scanning QR codes, %(unit)s") % {"unit": unit.name}
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=doc_title,
    ).build(story)
    return out.getvalue()
