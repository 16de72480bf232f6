"""Demo step: the first commune's loudspeaker script, logged as broadcast this morning by `xa`,
and the district... province radio script. Idempotent (one broadcast per moment and place)."""

from datetime import timedelta

from django.utils import timezone

from ravao.mobilisation.models import Channel
from ravao.mobilisation.scripts import script_text, word_count
from ravao.mobilisation.services import broadcast_record
from ravao.units.demo import demo_units


def demo(*, province, users, stdout=None):
    _province, communes, _district = demo_units()
    commune = communes[0]
    official = users.get("xa")
    morning = timezone.localtime().replace(hour=6, minute=30, second=0, microsecond=0)
    if morning > timezone.now():
        morning -= timedelta(days=1)
    text = script_text(commune, channel=Channel.LOUDSPEAKER)
    broadcast_record(
        by=official, unit=commune, channel=Channel.LOUDSPEAKER, made_at=morning, place="Cụm loa thôn 1", script=text
    )
    first = text.split("\n\n")[0]
    return (
        f"Mobilisation: loudspeaker script of {commune.name} ({word_count(text)} words), logged as broadcast at "
        f"{morning:%d/%m/%Y %H:%M} by xa; it begins: “{first[:140]}…”"
    )
