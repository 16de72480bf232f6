"""POST /api/v1/devices: a gate phone enrols its key; only that account's signatures count."""

import base64
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ravao.accounts.devices import device_signed, scan_message
from ravao.testing import ApiClient


def new_key():
    private = ec.generate_private_key(ec.SECP256R1())
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(spki).decode()


def sign(private, message: bytes) -> str:
    """As WebCrypto signs: r‖s, 32 bytes each."""
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
    return base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()


MESSAGE = scan_message(
    client_id="c1",
    venue="ABC123",
    entrance_id=None,
    direction="in",
    scanned_at=datetime(2026, 12, 4, 8, tzinfo=UTC),
    text="0912345678",
    birth_year=1990,
)


def test_it_enrols_a_gate_phone_and_checks_its_signatures(users):
    private, public = new_key()
    res = ApiClient(users["staff"]).post("/devices", {"public_key": public})
    assert res.status_code == 201
    device = res.json()["id"]
    assert device_signed(user=users["staff"], device_id=device, signature=sign(private, MESSAGE), message=MESSAGE)
    # Another account cannot use this phone's signatures, nor can another key sign for it.
    assert not device_signed(user=users["manager"], device_id=device, signature=sign(private, MESSAGE), message=MESSAGE)
    other, _ = new_key()
    assert not device_signed(user=users["staff"], device_id=device, signature=sign(other, MESSAGE), message=MESSAGE)


def test_it_refuses_what_is_not_a_p256_key_and_accounts_that_do_not_scan(users):
    staff = ApiClient(users["staff"])
    for bad in ("", "abc", "\x00", "A" * 300, base64.b64encode(b"\x30\x03\x02\x01\x01").decode()):
        res = staff.post("/devices", {"public_key": bad})
        assert res.status_code in (400, 422), (bad, res.status_code)
    rsa_like = base64.b64encode(
        ec.generate_private_key(ec.SECP384R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ).decode()
    assert staff.post("/devices", {"public_key": rsa_like}).json()["code"] == "bad_device_key"
    _, public = new_key()
    assert ApiClient(users["tracer"]).post("/devices", {"public_key": public}).status_code == 403
    assert ApiClient().post("/devices", {"public_key": public}).status_code == 401


def test_hostile_device_ids_and_signatures_prove_nothing(users):
    for device, signature in ((10**30, "AA" * 43), (-1, ""), ("x", "not base64!"), (None, None), (1, "A" * 86)):
        assert not device_signed(user=users["staff"], device_id=device, signature=signature, message=MESSAGE)
