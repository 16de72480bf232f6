"""The second factor: TOTP (an authenticator app) with one-time recovery codes, from django-otp
(``TOTPDevice`` and ``StaticDevice``; docs/architecture.md says why that library).

Who must have one is the policy's ``account.second_factor`` (national administrators, province
officials, tracers, auditors); anybody else may enrol. A session is verified once per log-in
(django-otp keeps the device in the session); until then ``sessions.SessionPolicyMiddleware``
lets a required account reach only the log-in, enrolment and verification pages. API tokens are
issued to an account after it logged in (and verified, where required): a token is a credential
on its own and is not asked for the second factor again (docs/security.md).

Tries are limited by django-otp's own throttling (stored on the device: shared by every worker)
and by ``ratelimit.hit_shared`` per account.
"""

import io
import time
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravao.accounts import policy
from ravao.core import ratelimit
from ravao.core.errors import ServiceError

RECOVERY_CODES = 10
MAX_TRIES = 10  # per account in RAVAO_LOGIN_LOCKOUT_MINUTES, on top of django-otp's throttling
# The demo's accounts share this public TOTP secret (base32; `ravao demo` prints it).
DEMO_SECRET = "RAVAODEMORAVAODEMORAVAODEMORAVAO"
DEMO_DEVICE_NAME = "demo"
ENROLLED_SESSION_KEY = "ravao_2fa_enrolled"


def required(user) -> bool:
    """Must this account confirm its log-ins with a second factor?"""
    return policy.can(user, "account.second_factor")


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an SVG QR code, drawn on the server (nothing leaves it)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def enrol_start(*, user) -> TOTPDevice:
    """The account's pending (unconfirmed) authenticator, made once and shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _count_try(user) -> None:
    window = settings.RAVAO_LOGIN_LOCKOUT_MINUTES * 60
    if ratelimit.hit_shared("second-factor", user.pk, window=window) > MAX_TRIES:
        raise ServiceError(
            _("Too many wrong codes. Wait %(minutes)d minutes and try again.")
            % {"minutes": settings.RAVAO_LOGIN_LOCKOUT_MINUTES},
            status=429,
            code="rate_limited",
        )


def _clean(code: str) -> str:
    return "".join((code or "").split()).lower()[:16]


@transaction.atomic
def enrol_confirm(*, request, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the pending authenticator with a code from the app: it replaces any earlier one,
    the session counts as verified, and new recovery codes are returned (shown once)."""
    user = request.user
    _count_try(user)
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_clean(code)):
        raise ServiceError(_("That code is not right. Check the time on your phone and try again."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    return _new_recovery_codes(user)


def verify(*, request, code: str) -> None:
    """Check a code from the app, or a recovery code (used up), for the logged-in account; on
    success the session is verified."""
    user = request.user
    _count_try(user)
    code = _clean(code)
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        with transaction.atomic():
            if device.verify_token(code):
                otp_login(request, device)
                return
    raise ServiceError(_("That code is not right. Check the time on your phone and try again."))


def recovery_regenerate(*, request) -> list[str]:
    """New recovery codes (the old ones stop working); only from a verified session."""
    if not verified(request):
        raise ServiceError(_("Confirm your log-in with a code first."), status=403)
    return _new_recovery_codes(request.user)


def recovery_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def remove_all(*, user) -> int:
    """Forget the account's authenticators and recovery codes (a lost phone): it enrols again at
    its next log-in. Audited by the caller (ravao/signin)."""
    n = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        n += 1
    return n


def demo_enrol(user) -> None:
    """Give a demo account the public demo authenticator (``DEMO_SECRET``)."""
    from base64 import b32decode

    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name=DEMO_DEVICE_NAME, key=b32decode(DEMO_SECRET).hex(), confirmed=True, tolerance=1
    )


def demo_hint(request) -> str:
    """With RAVAO_DEMO=1, the current code of the public demo authenticator, when that is the
    account's (the demo's log-ins stay one click away; nothing secret is shown)."""
    if not settings.RAVAO_DEMO or not request.user.is_authenticated:
        return ""
    device = TOTPDevice.objects.filter(user=request.user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        return ""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    if clock.t() <= device.last_t:  # this step's code was used: the next one is accepted too
        clock.time += device.step
    return f"{clock.token():0{device.digits}d}"


def session_device_key() -> str:
    return DEVICE_ID_SESSION_KEY
