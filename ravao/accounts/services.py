"""Account services: API tokens and user creation, shared by pages, API and CLI."""

from django.db import transaction
from django.utils import timezone

from ravao.accounts.models import ApiToken, Role, User


def token_for_raw(raw: str) -> ApiToken | None:
    """The live token with this raw value, or None (revoked, unknown or inactive user)."""
    if not raw or not raw.startswith("rv_"):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__unit", "user__sector")
        .filter(digest=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        # Touch at most once a minute: a busy gate must not write a row per scan for this.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_issue(*, user: User, name: str = "") -> str:
    """Issue a new token for ``user`` and return its raw value (shown once, stored hashed)."""
    _, raw = ApiToken.issue(user, name=name)
    return raw


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens. Idempotent: revoking twice keeps the first time."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


@transaction.atomic
def user_create(*, username: str, password: str | None, role: str, unit=None, sector=None, **extra) -> User:
    """Create an account with its jurisdiction, checking that the role and the scope agree."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    if role == Role.SECTOR_OFFICIAL and sector is None:
        raise ValueError("A sector official needs a sector.")
    user = User(username=username, role=role, unit=unit, sector=sector, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
