from django.conf import settings

from ravao.core.baseurl import base_url


def site(request):
    return {"BASE_URL": base_url(), "RAVAO_LANGUAGES": settings.LANGUAGES, "RAVAO_DEMO": settings.RAVAO_DEMO}
