from ninja import Router, Schema

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
    return {"username": user.username, "role": user.effective_role, "unit": unit, "sector": user.sector.code if user.sector_id else None}
