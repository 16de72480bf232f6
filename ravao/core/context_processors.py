from django.conf import settings

from ravao.core.baseurl import base_url
from ravao.core.dates import js_formats


def site(request):
    return {
        "BASE_URL": base_url(),
        "RAVAO_LANGUAGES": settings.LANGUAGES,
        "RAVAO_DEMO": settings.RAVAO_DEMO,
        "DATE_FORMATS": js_formats(),
    }
