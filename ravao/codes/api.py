"""Public keys for the offline gate scanner (at /api/v1/keys)."""

from ninja import Router, Schema

from ravao.codes.keys import keyring, public_keys

router = Router(tags=["codes"])


class KeyOut(Schema):
    kid: str
    alg: str = "Ed25519"
    public_key: str
    signing: bool


class KeysOut(Schema):
    signing_kid: str
    keys: list[KeyOut]


@router.get("/keys", response=KeysOut, auth=None, summary="Trusted QR verification keys (public)")
def list_keys(request):
    """Raw 32-byte Ed25519 public keys in standard base64, for verifying QR codes offline."""
    signing = keyring().signing_kid
    return {
        "signing_kid": signing,
        "keys": [{"kid": k, "public_key": v, "signing": k == signing} for k, v in public_keys().items()],
    }
