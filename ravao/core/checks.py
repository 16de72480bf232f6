"""Deployment checks (`ravao check --deploy`): production must not run on demo-derived keys."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from ravao.core.failclosed import DEMO_SECRET_KEY

KEYS = {
    "RAVAO_FIELD_KEYS": "personal data at rest",
    "RAVAO_LOOKUP_KEY": "the keyed hashes that find people",
    "RAVAO_SIGNING_KEYS": "QR code signatures",
}


@register(Tags.security, deploy=True)
def keys_are_configured(app_configs, **kwargs):
    problems = []
    for i, (name, purpose) in enumerate(KEYS.items(), start=1):
        if not getattr(settings, name, None):
            problems.append(
                Warning(
                    f"{name} is not set: {purpose} use a key derived from the secret key (demo only).",
                    hint=f"Set {name} (see docs/configuration.md, 'Keys and rotation').",
                    id=f"ravao.W00{i}",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def secret_key_is_not_the_demo_one(app_configs, **kwargs):
    """Receipts, personal-QR links and the demo-derived keys all hang on SECRET_KEY."""
    if settings.SECRET_KEY == DEMO_SECRET_KEY:
        return [
            Error(
                "RAVAO_SECRET_KEY is the public demo key.",
                hint="Set RAVAO_SECRET_KEY to a long random value.",
                id="ravao.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def sms_are_really_sent(app_configs, **kwargs):
    if settings.RAVAO_SMS_BACKEND == "ravao.core.sms.ConsoleSMSBackend":
        return [
            Warning(
                "SMS are only written to the log (console back end): OTP codes and exposure alerts reach nobody.",
                hint="Set RAVAO_SMS_BACKEND to a class that sends them.",
                id="ravao.W010",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def rate_limits_are_shared(app_configs, **kwargs):
    """Without Redis each worker process counts the rate limits on its own (the log-in lockout is
    then counted in the database: shared, but a write per log-in try)."""
    if settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return [
            Warning(
                "Rate limits are counted per worker process (no shared cache; the log-in lockout falls back"
                " to the database).",
                hint="Set RAVAO_REDIS_URL (see docs/configuration.md).",
                id="ravao.W011",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def base_url_is_fixed(app_configs, **kwargs):
    """Unset, printed links follow the request's Host (fine for the demo, not for posters that
    hang on walls for months)."""
    if not settings.RAVAO_BASE_URL_FIXED:
        return [
            Warning(
                "RAVAO_BASE_URL is not set: QR codes and links use whatever host name a request came in on.",
                hint="Set RAVAO_BASE_URL to the public https address.",
                id="ravao.W020",
            )
        ]
    return []
