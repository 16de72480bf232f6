"""Gate phones that prove their queued scans: enrolment and signature checks.

A gate page, while online, makes an ECDSA P-256 key pair in the browser (WebCrypto; the private
key is not extractable and stays in the phone's IndexedDB) and enrols the public key for the
logged-in account. Each scan it queues offline is signed over the fields that make the scan
(:func:`scan_message`). The server accepts a scan dated more than a few minutes back only with
a valid signature of a device enrolled by the account that sends it (docs/identity.md): a
back-dated visit cannot be made up by typing a time.
"""

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.accounts.models import DeviceKey
from ravao.core.errors import ServiceError

# An account may have a few phones (a guard's own, the gate's shared one); the oldest key goes
# when a new one would pass this number.
MAX_DEVICES_PER_ACCOUNT = 10
MESSAGE_VERSION = "ravao-scan-1"


def _b64decode(text: str) -> bytes:
    text = (text or "").strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def device_enrol(*, user, public_key: str) -> DeviceKey:
    """Keep this phone's public key for ``user``; ServiceError if it is not a P-256 key."""
    try:
        key = serialization.load_der_public_key(_b64decode(public_key))
    except (ValueError, binascii.Error, TypeError):
        key = None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ServiceError(
            _("This is not a valid device key (an ECDSA P-256 public key is expected)."), code="bad_device_key"
        )
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    device = DeviceKey.objects.create(user=user, public_key=base64.b64encode(der).decode())
    active = DeviceKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
    stale = list(active.values_list("pk", flat=True)[MAX_DEVICES_PER_ACCOUNT:])
    if stale:
        DeviceKey.objects.filter(pk__in=stale).update(revoked_at=timezone.now())
    return device


def scan_message(*, client_id, venue: str, entrance_id, direction: str, scanned_at, text: str, birth_year) -> bytes:
    """What a device signs for a scan: every field that makes the visit, as the phone sent
    them; the time as milliseconds since 1970 (the phone's ``Date.parse`` of what it sent), so
    that the server need not keep the text of the date."""
    millis = round(scanned_at.timestamp() * 1000)
    fields = [
        MESSAGE_VERSION,
        str(client_id),
        venue,
        "" if entrance_id is None else str(entrance_id),
        direction,
        str(millis),
        text,
        "" if birth_year in (None, "") else str(birth_year),
    ]
    return "\n".join(fields).encode()


def device_signed(*, user, device_id, signature: str, message: bytes) -> bool:
    """Whether ``signature`` (IEEE P1363 r‖s, base64 or base64url, as WebCrypto makes it) is
    ``message`` signed by a device that ``user`` enrolled and has not revoked."""
    if not device_id or not signature:
        return False
    try:
        pk, raw = int(device_id), _b64decode(signature)
    except (ValueError, binascii.Error, TypeError):
        return False
    if not 0 < pk < 2**63 or len(raw) != 64:
        return False
    device = DeviceKey.objects.filter(pk=pk, user=user, revoked_at__isnull=True).first()
    if device is None:
        return False
    key = serialization.load_der_public_key(base64.b64decode(device.public_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    DeviceKey.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
    return True


def device_revoke(*, user, device_id: int) -> None:
    DeviceKey.objects.filter(pk=device_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
