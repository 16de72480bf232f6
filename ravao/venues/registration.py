"""Self-registration of a venue by its manager: phone proved by a one-time SMS code.

Codes are 6 digits, stored as a keyed hash (``core.crypto.lookup_hash``), valid 10 minutes,
burnt after 5 wrong tries; at most 5 codes per phone per hour. A right code is used up only
with the registration it proves (same transaction), so a registration that fails keeps it.

An account made here has a non-personal user name and the phone encrypted, found by keyed hash
(its owner logs in with the phone in any common form); an existing account with this phone is
reused only if this phone was proved for it before (a used code linked to it): then it takes
the password chosen now and its API tokens and other sessions end. SMS goes through
``ravao.core.sms.send_sms`` (the default back end writes to the log).
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts import phones, policy
from ravao.accounts.models import ApiToken, User
from ravao.accounts.services import user_create
from ravao.core import ratelimit
from ravao.core.crypto import lookup_hash
from ravao.core.errors import Conflict, ServiceError
from ravao.core.sms import send_sms
from ravao.people.identity import normalise_phone
from ravao.venues.models import PhoneOTP
from ravao.venues.services import venue_register

OTP_TTL = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5
OTP_MAX_PER_HOUR = 5
OTP_MAX_PER_CLIENT_HOUR = 20


def phone_e164(text: str) -> str:
    """A Vietnamese (or +international) phone number in E.164, or a ServiceError."""
    return normalise_phone(text)


def _hash(otp_phone: str, purpose: str, code: str) -> str:
    return lookup_hash(f"otp|{purpose}|{otp_phone}|{code}")


def otp_send(*, phone: str, purpose: str = "venue_register", client: str = "") -> PhoneOTP:
    """Send a new one-time code to ``phone`` (normalised); returns the record (no code in it).

    ``client`` (``ratelimit.client_key(request)``: the address) is limited too, so that nobody
    sends SMS to many numbers."""
    phone = phone_e164(phone)
    now = timezone.now()
    if client:
        ratelimit.check(
            "otp-client",
            client,
            limit=OTP_MAX_PER_CLIENT_HOUR,
            window=3600,
            message=_("Too many codes were requested from this connection. Try again in an hour."),
        )
    if (
        PhoneOTP.objects.filter(
            phone_hash=PhoneOTP.hash_phone(phone), purpose=purpose, created_at__gte=now - timedelta(hours=1)
        ).count()
        >= OTP_MAX_PER_HOUR
    ):
        raise ServiceError(_("Too many codes were sent to this number. Try again in an hour."), status=429)
    code = f"{secrets.randbelow(1_000_000):06d}"
    otp = PhoneOTP.objects.create(
        phone=phone, purpose=purpose, code_hash=_hash(phone, purpose, code), expires_at=now + OTP_TTL
    )
    send_sms(
        phone,
        _("Ravao: your code is %(code)s. It is valid for 10 minutes. Do not share it.") % {"code": code},
    )
    return otp


def otp_verify(*, otp_id: int, code: str, purpose: str = "venue_register", consume: bool = True) -> PhoneOTP:
    """Check a code; marks it used (unless ``consume`` is False: then ``otp_consume`` uses it up
    in the caller's transaction). Raises ServiceError for expired, burnt or wrong codes.

    A wrong try is counted in its own committed transaction, then the error is raised."""
    error = None
    with transaction.atomic():
        otp = PhoneOTP.objects.select_for_update().filter(pk=otp_id, purpose=purpose).first()
        if otp is None or otp.used_at is not None:
            error = _("This code is no longer valid: ask for a new one.")
        elif otp.expires_at < timezone.now():
            error = _("This code has expired: ask for a new one.")
        elif otp.attempts >= OTP_MAX_ATTEMPTS:
            error = _("Too many wrong codes: ask for a new one.")
        elif not secrets.compare_digest(otp.code_hash, _hash(otp.phone, purpose, (code or "").strip())):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            left = OTP_MAX_ATTEMPTS - otp.attempts
            error = (
                _("Wrong code. %(left)s tries left.") % {"left": left}
                if left > 0
                else _("Too many wrong codes: ask for a new one.")
            )
        elif consume:
            otp.used_at = timezone.now()
            otp.save(update_fields=["used_at"])
    if error:
        raise ServiceError(error)
    otp.verified = True
    return otp


def otp_consume(*, otp: PhoneOTP, user=None) -> None:
    """Use up a code ``otp_verify`` accepted, inside the caller's transaction (row locked): a
    code proves one registration only."""
    if not getattr(otp, "verified", False):
        raise ServiceError(_("This code is no longer valid: ask for a new one."))
    now = timezone.now()
    updated = PhoneOTP.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now, user=user)
    if updated != 1:
        raise ServiceError(_("This code is no longer valid: ask for a new one."))
    otp.used_at, otp.user = now, user


def owner_handle() -> str:
    """A new self-registered owner's user name: a handle that says nothing about them (they log
    in with their phone, found by keyed hash: ravao/accounts/backends.py)."""
    while True:
        handle = f"owner-{secrets.token_hex(4)}"
        if not User.objects.filter(username=handle).exists():
            return handle


@transaction.atomic
def venue_self_register(
    *, otp: PhoneOTP, contact_name: str, password_hash: str, venue_type, unit, name: str, street: str = "", **fields
):
    """After the phone is proved (``otp_verify(consume=False)``): the manager's account (created,
    or the one this phone was proved for before) and the venue; the code is used up only if all
    of it succeeds.

    The account is found by its phone's keyed hash; a new one gets a non-personal user name and
    the phone encrypted (the owner logs in with the phone in any common form)."""
    if not getattr(otp, "verified", False):
        raise ServiceError(_("This code is no longer valid: ask for a new one."))
    user = User.objects.select_for_update().filter(phone_hash=phones.hash_of_typed(otp.phone)).order_by("pk").first()
    if user is None:
        first, _sep, last = (contact_name or "").strip().rpartition(" ")
        user = user_create(
            username=owner_handle(),
            password=None,
            role=policy.venue_account_role(manager=True),
            phone=otp.phone,
            first_name=first[:150],
            last_name=last[:150],
        )
        user.password = password_hash
        user.save(update_fields=["password"])
    elif not policy.role_may(user.effective_role, "venue.work"):
        raise Conflict(_("This phone number belongs to an official's account: register the venue from that account."))
    elif not PhoneOTP.objects.filter(user=user, phone_hash=otp.phone_hash, used_at__isnull=False).exists():
        # Somebody made this account under the phone's name without proving the phone: it is
        # not handed over (its password is known to them).
        raise Conflict(
            _(
                "An account already has this phone number, but this phone was never proved for it. Ask "
                "the district health office to check that account."
            ),
            code="username_taken",
        )
    else:
        # The same person again (the phone proved now and before): the password chosen now
        # replaces the old one, which also ends the account's other sessions; API tokens end.
        user.password = password_hash
        user.role = policy.venue_account_role(manager=True, current=user.role)
        user.save(update_fields=["password", "role"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    venue = venue_register(
        name=name,
        venue_type=venue_type,
        unit=unit,
        street=street,
        by=user,
        manager=user,
        contact_name=(contact_name or "").strip()[:128],
        contact_phone=otp.phone,
        **fields,
    )
    otp_consume(otp=otp, user=user)
    return user, venue
