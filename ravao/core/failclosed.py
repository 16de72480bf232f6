"""Fail closed: with DEBUG off, Ravao does not start on the public demo key or on keys derived
from a secret key, unless the operator says it is a demonstration (``RAVAO_DEMO=1``).

Everything secret hangs on these settings: Django's SECRET_KEY signs sessions, receipts and
personal-QR links, and without ``RAVAO_FIELD_KEYS``/``RAVAO_LOOKUP_KEY``/``RAVAO_SIGNING_KEYS``
the demo derives those keys from SECRET_KEY (``ravao/core/crypto.py``, ``ravao/codes/keys.py``).
On the public demo key anyone can forge QR codes and personal links offline.

The refusal is a system check (``ravao.E010``, run by ``ravao check``, ``runserver``, ``migrate``
and every command that checks) and an exception when the ASGI or WSGI application loads (granian,
``ravao serve``), so no entry point serves on such keys.
"""

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

DEMO_SECRET_KEY = "ravao-demo-insecure-secret-key-change-me-in-production"
DERIVED = ("RAVAO_FIELD_KEYS", "RAVAO_LOOKUP_KEY", "RAVAO_SIGNING_KEYS")


def _demo_derived(label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(DEMO_SECRET_KEY.encode())


def _raw_key(entry: str) -> bytes | None:
    """The bytes of a configured key, in whatever base64 form it was written (None if none)."""
    value = entry.strip().partition(":")[2] if ":" in entry else entry.strip()
    value = value.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except ValueError:
        return None


def insecure_settings() -> list[str]:
    """Why the current keys are unfit for production, one sentence per setting (empty: fine)."""
    problems = []
    if settings.SECRET_KEY == DEMO_SECRET_KEY:
        problems.append("RAVAO_SECRET_KEY is the public demo key")
    demo = {
        "RAVAO_FIELD_KEYS": _demo_derived("ravao-field-encryption"),
        "RAVAO_LOOKUP_KEY": _demo_derived("ravao-lookup-hash"),
        "RAVAO_SIGNING_KEYS": _demo_derived("ravao-qr-signing"),
    }
    for name in DERIVED:
        value = getattr(settings, name, None)
        entries = [value] if isinstance(value, str) else list(value or [])
        entries = [e for e in entries if e and e.strip()]
        if not entries:
            problems.append(f"{name} is not set (it would be derived from the secret key)")
        elif any(_raw_key(e) == demo[name] or e.encode() == demo[name] for e in entries):
            problems.append(f"{name} holds a key derived from the public demo key")
    return problems


def refusal_message(problems: list[str]) -> str:
    return (
        "Ravao refuses to start with DEBUG off on demo or derived keys: "
        + "; ".join(problems)
        + ". Set them to your own random values (docs/configuration.md, 'Keys and rotation'), "
        "or set RAVAO_DEMO=1 for a demonstration (every page then says so)."
    )


def start_is_refused() -> list[str]:
    """The problems that stop this process from serving (empty when DEBUG or RAVAO_DEMO is on)."""
    if settings.DEBUG or getattr(settings, "RAVAO_DEMO", False):
        return []
    return insecure_settings()


def refuse_insecure_start() -> None:
    """Raise ImproperlyConfigured when the process must not serve (called by ravao/asgi.py and ravao/wsgi.py)."""
    problems = start_is_refused()
    if problems:
        raise ImproperlyConfigured(refusal_message(problems))


@register()
def keys_fail_closed(app_configs, **kwargs):
    problems = start_is_refused()
    if problems:
        return [Error(refusal_message(problems), hint="See docs/configuration.md.", id="ravao.E010")]
    return []
