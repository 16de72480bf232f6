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
    """The live token with this raw value, or None (revoked, unknown or inactive user).

    The token with its user is kept per worker (``core.hotcache``: a gate sends a scan every few
    seconds), but whether it still holds is asked of the database on every request, in one
    prepared single-row statement (:func:`_credentials_now`): a revoked token, a deactivated
    account or a changed role or jurisdiction takes effect at once on every worker and server,
    however the change was written. Unknown tokens are never remembered."""
    if not raw or not raw.startswith("rv_"):
        return None
    from ravao.core import hotcache

    digest = ApiToken.hash(raw)
    token = hotcache.remembered("token", digest, lambda: _token_load(digest))
    if token is None:
        return None
    now_state = _credentials_now(token.pk)
    if now_state is None or now_state[0] is not None or not now_state[1]:
        hotcache.forget("token", digest)
        return None
    user = token.user
    if now_state[2:6] != (user.role, user.unit_id, user.sector_id, user.is_superuser):
        # The account's role or jurisdiction changed since this worker remembered it.
        hotcache.forget("token", digest)
        token = hotcache.remembered("token", digest, lambda: _token_load(digest))
        if token is None:
            return None
    _touch(token, now_state[6])
    return token


def _token_load(digest: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user", "user__unit", "user__sector")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def _credentials_now(token_id: int):
    """(revoked_at, is_active, role, unit_id, sector_id, is_superuser, last_used_at) of a token
    and its account as the database has them now, or None. One indexed row; PostgreSQL
    prepares the statement (``core.fastsql``), so it costs a round trip and little else."""
    from ravao.core import fastsql

    with fastsql.cursor() as c:
        c.execute(_CREDENTIALS_SQL, [token_id])
        row = c.fetchone()
    if row is None:
        return None
    revoked_at, is_active, role, unit_id, sector_id, is_superuser, last_used_at = row
    # SQLite answers booleans as integers and datetimes as text.
    return (revoked_at, bool(is_active), role, unit_id, sector_id, bool(is_superuser), last_used_at)


_CREDENTIALS_SQL = (
    "SELECT t.revoked_at, u.is_active, u.role, u.unit_id, u.sector_id, u.is_superuser, t.last_used_at "
    "FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id WHERE t.id = %s"
)


def _touch(token: ApiToken, last_used_at) -> None:
    """Note the token's use at most once a minute (across workers too): a busy gate must not
    write a row per scan for this."""
    from datetime import UTC, datetime, timedelta

    from django.db.models import Q

    now = timezone.now()
    if isinstance(last_used_at, str):  # SQLite, without its column's converter
        last_used_at = datetime.fromisoformat(last_used_at)
    if last_used_at is not None and timezone.is_naive(last_used_at):  # SQLite stores UTC
        last_used_at = last_used_at.replace(tzinfo=UTC)
    if last_used_at is not None and (now - last_used_at).total_seconds() <= 60:
        token.last_used_at = last_used_at
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(seconds=60))
    ).update(last_used_at=now)
    token.last_used_at = now


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
