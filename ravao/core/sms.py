"""Pluggable SMS back ends. The default writes each message to the log (and the console)."""

import logging
import re
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

from ravao.core.masking import mask_phone

log = logging.getLogger("ravao.sms")

_DIGIT_RUNS = re.compile(r"\d{4,}")


def mask_text(text: str) -> str:
    """Every run of four or more digits (codes, numbers) masked."""
    return _DIGIT_RUNS.sub(lambda m: "•" * len(m.group()), text or "")


class ConsoleSMSBackend:
    """Writes the message to the log instead of sending it (demo and development only:
    `ravao check --deploy` warns about it). The number is always masked in the log, and the
    text's codes too unless ``RAVAO_DEMO=1`` (the demo's visitor must read their sign-up code
    in the terminal). The last messages stay in memory, ``outbox``, for tests."""

    outbox: deque[tuple[str, str]] = deque(maxlen=100)

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))
        shown = text if getattr(settings, "RAVAO_DEMO", False) else mask_text(text)
        log.info("SMS to %s: %s", mask_phone(phone), shown)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.RAVAO_SMS_BACKEND)().send(phone, text)
