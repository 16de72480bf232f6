import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
application = get_wsgi_application()

from ravao.core.failclosed import refuse_insecure_start  # noqa: E402 (needs the settings loaded above)

# gunicorn runs no system checks: refuse here too (demo or derived keys with DEBUG off).
refuse_insecure_start()
