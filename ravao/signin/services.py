"""Getting back into an account: a temporary password or a new second factor set by the official
above (audited), and a password reset by SMS code for venue owners (their phone, proved the way
self-registration proves it: ``venues.registration.otp_send`` / ``otp_verify``). Resets by e-mail
are Django's own views (ravao/signin/views.py)."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ravao.accounts import phones, policy, secondfactor
from ravao.accounts.models import User
from ravao.accounts.services import check_may_manage
from ravao.audit.models import Action
from ravao.audit.services import audit_record
from ravao.core.errors import ServiceError
from ravao.venues.registration import otp_send, otp_verify

SMS_PURPOSE = "password_reset"


def _check_above(actor, user) -> None:
    if user.pk == actor.pk:
        raise ServiceError(_("Use your own account's pages for your own password and second factor."))
    check_may_manage(actor=actor, role=user.effective_role, unit=user.unit, sector=user.sector)


@transaction.atomic
def temporary_password_set(*, actor, user, request=None) -> str:
    """A new random password for ``user``, which they must change at their next log-in; their
    sessions end (the password changed). Returned once, to hand over."""
    _check_above(actor, user)
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        user=actor,
        action=Action.CHANGE,
        object_type="account_password",
        object_id=user.pk,
        unit=user.unit,
        request=request,
        detail={"account": user.username, "temporary": True},
    )
    return password


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> int:
    """Forget ``user``'s authenticator and recovery codes (a lost phone): they enrol a new one
    at their next log-in."""
    _check_above(actor, user)
    removed = secondfactor.remove_all(user=user)
    audit_record(
        user=actor,
        action=Action.CHANGE,
        object_type="account_second_factor",
        object_id=user.pk,
        unit=user.unit,
        request=request,
        detail={"account": user.username, "devices_removed": removed},
    )
    return removed


def _owners_with_phone(digest: str):
    return User.objects.filter(
        phone_hash=digest, is_active=True, role__in=policy.roles_with("venue.register_own")
    ).order_by("pk")


def sms_reset_send(*, phone: str, client: str = "") -> tuple[int | None, str]:
    """Send a code to ``phone`` if a venue owner's account has it. Returns (code id or None, the
    phone's account hash) for the session; the answer to the person is the same either way
    (nobody learns from it whether a number has an account)."""
    typed = phones.e164(phone)
    if typed is None:
        raise ServiceError(_("“%(phone)s” is not a valid phone number.") % {"phone": (phone or "")[:24]})
    digest = phones.phone_hash(typed)
    if not _owners_with_phone(digest).exists():
        return None, digest
    otp = otp_send(phone=typed, purpose=SMS_PURPOSE, client=client)
    return otp.pk, digest


def sms_reset_confirm(*, otp_id: int | None, digest: str, code: str, password: str) -> User:
    """The code sent by ``sms_reset_send`` and a new password: the owner's account takes it.
    A wrong code is counted (and burns the code after a few) outside any transaction of ours."""
    user = _owners_with_phone(digest).first() if otp_id else None
    if user is None:
        raise ServiceError(_("This code is no longer valid: ask for a new one."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    otp_verify(otp_id=otp_id, code=code, purpose=SMS_PURPOSE)  # used up if right
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            user=None,
            action=Action.CHANGE,
            object_type="account_password",
            object_id=user.pk,
            detail={"account": user.username, "by": "sms"},
        )
    return user
