"""Deployment checks (`ravao check --deploy`): production must not run on demo-derived keys."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
