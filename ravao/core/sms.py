"""Pluggable SMS back ends. The default writes each message to the log (and the console)."""

import logging
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("ravao.sms")


class ConsoleSMSBackend:
    """Writes the message to the log instead of sending it (demo and development only:
    `ravao check --deploy` warns about it). The last messages stay in ``outbox`` for tests."""

    outbox: deque[tuple[str, str]] = deque(maxlen=100)

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.RAVAO_SMS_BACKEND)().send(phone, text)
