from ninja import Router

from ravao.codes.api import router as codes_router

router = Router(tags=["venues"])
router.add_router("", codes_router)
