"""Writes of mobilisation: logging a broadcast made."""

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.errors import Forbidden, ServiceError
from ravao.mobilisation.models import Broadcast, Channel
from ravao.mobilisation.scripts import script_text
from ravao.units.models import Unit


def broadcast_record(
    *,
    by,
    unit: Unit,
    channel: str,
    made_at: datetime | None = None,
    place: str = "",
    script: str = "",
) -> Broadcast:
    """Log a broadcast made in ``unit`` (the script read: the one given, else today's). The
    same unit, channel, moment and place logged again is the same broadcast (a form sent twice)."""
    if by is not None:
        policy.require(by, "mobilisation.broadcast")
        if not Unit.objects.restrict(by).filter(pk=unit.pk).exists():
            raise Forbidden(_("%(unit)s is outside your jurisdiction.") % {"unit": unit.name})
    if channel not in Channel.values:
        raise ServiceError(_("Choose loudspeakers or radio."))
    made_at = made_at or timezone.now()
    if made_at > timezone.now() + timedelta(minutes=5):
        raise ServiceError(_("A broadcast is logged once it has been made, not in advance."))
    made_at = made_at.replace(microsecond=0)
    place = " ".join((place or "").split())[:200]
    script = (script or "").strip() or script_text(unit, channel=channel)
    digest = hashlib.sha256(script.encode()).hexdigest()
    key = {"unit": unit, "channel": channel, "made_at": made_at, "place": place}
    try:
        with transaction.atomic():
            broadcast, _created = Broadcast.objects.get_or_create(
                **key,
                defaults={
                    "script": script,
                    "script_digest": digest,
                    "made_by": by if by and by.is_authenticated else None,
                },
            )
    except IntegrityError:  # the same form, sent twice at the same moment
        broadcast = Broadcast.objects.get(**key)
    return broadcast
