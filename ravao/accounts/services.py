"""Account services: API tokens and user creation, shared by pages, API and CLI."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import ApiToken, Role, User
from ravao.core.errors import Conflict, Forbidden, ServiceError


def token_for_raw(raw: str) -> ApiToken | None:
    """The live token with this raw value, or None (revoked, unknown or inactive user)."""
    if not raw or not raw.startswith("rv_"):
        return None
    from datetime import timedelta

    from django.db.models import Q

    from ravao.core import hotcache

    # Kept per worker for RAVAO_HOT_CACHE_SECONDS (a gate sends a scan every few seconds): a
    # revoked token or a deactivated user is refused within that time (at once in the process
    # that saved the change). Unknown tokens are never remembered.
    digest = ApiToken.hash(raw)
    token = hotcache.remembered(
        "token",
        digest,
        lambda: (
            ApiToken.objects.select_related("user", "user__unit", "user__sector")
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        ),
    )
    if token is not None:
        now = timezone.now()
        # Touch at most once a minute (across workers too): a busy gate must not write a row
        # per scan for this.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(seconds=60))
            ).update(last_used_at=now)
            token.last_used_at = now
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


def check_may_manage(*, actor: User | None, role: str, unit=None, sector=None) -> None:
    """Raise Forbidden unless ``actor`` may create or change an account with this scope.
    ``actor=None`` is the operator's CLI, which may do anything."""
    if actor is None:
        return
    if role not in policy.manageable_roles(actor):
        raise Forbidden(
            _("You may not create or manage accounts with the role “%(role)s”.") % {"role": Role(role).label}
        )
    if actor.is_national:
        return
    if policy.is_area_role(role) and (unit is None or not unit.is_within(actor.unit)):
        raise Forbidden(_("The account's unit must lie within your own jurisdiction."))


def phone_like_username(username: str) -> bool:
    """Digits only (spaces, dots, dashes, brackets and a leading + aside): a phone number, which
    is never a user name (a phone is kept encrypted and found by keyed hash)."""
    compact = "".join(ch for ch in (username or "").strip() if ch not in " .-()_")
    return compact.lstrip("+").isdigit()


@transaction.atomic
def user_create(
    *,
    actor: User | None = None,
    username: str,
    password: str | None,
    role: str,
    unit=None,
    sector=None,
    **extra,
) -> User:
    """Create an account with its jurisdiction, checking that the role and the scope agree and
    that ``actor`` (None: the operator's CLI) may create it.

    A user name is never a phone number: phones are personal data, stored encrypted (venue
    owners log in with theirs through its keyed hash)."""
    if phone_like_username(username):
        raise ServiceError(
            _("A user name cannot be a phone number (those are kept for accounts proved by SMS)."),
            code="phone_username",
        )
    policy.check_role_scope(role=role, unit=unit, sector=sector)
    check_may_manage(actor=actor, role=role, unit=unit, sector=sector)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("The username “%(username)s” is taken.") % {"username": username})
    user = User(username=username, role=role, unit=unit, sector=sector, **extra)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ServiceError(" ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    user.save()
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account within the actor's reach. Nothing is deleted: the
    audit log keeps pointing at the account."""
    check_may_manage(actor=actor, role=user.effective_role, unit=user.unit, sector=user.sector)
    if user.pk == actor.pk:
        raise ServiceError(_("You cannot deactivate your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user
