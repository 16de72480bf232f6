from ninja import Field, Router, Schema, Status

from ravao.accounts import devices, policy

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str
    unit: dict | None
    sector: str | None


@router.get("/me", response=MeOut, summary="Who the token or session belongs to, and its jurisdiction")
def me(request):
    user = request.auth
    unit = {"code": user.unit.code, "name": user.unit.name, "level": user.unit.level} if user.unit_id else None
    return {
        "username": user.username,
        "role": user.effective_role,
        "unit": unit,
        "sector": user.sector.code if user.sector_id else None,
    }


class DeviceIn(Schema):
    public_key: str = Field(max_length=400, description="SubjectPublicKeyInfo (DER) of an ECDSA P-256 key, base64")


class DeviceOut(Schema):
    id: int


@router.post("/devices", response={201: DeviceOut}, summary="Enrol a gate phone's key (signs its offline scans)")
def enrol_device(request, payload: DeviceIn):
    """The gate page calls this once per account and phone while online; see docs/gate.md."""
    policy.require(request.auth, "gate.scan")
    return Status(201, {"id": devices.device_enrol(user=request.auth, public_key=payload.public_key).pk})
