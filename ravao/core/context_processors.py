from django.conf import settings


def site(request):
    return {"BASE_URL": settings.BASE_URL, "RAVAO_LANGUAGES": settings.LANGUAGES, "RAVAO_DEMO": settings.RAVAO_DEMO}
