"""ASGI entry point (`ravao serve`): the ingestion front (ravao/ingest/front.py) answers the
check-in hot paths and hands every other request to Django's ASGI handler."""

import os
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()
# WhiteNoise serves static files with a synchronous iterator, which Django's ASGI handler reads
# in a thread: correct, and warned about on every file.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

from ravao.core.failclosed import refuse_insecure_start  # noqa: E402 (needs the settings loaded above)

# The ASGI server runs no system checks: refuse here too (demo or derived keys with DEBUG off).
refuse_insecure_start()

from ravao.ingest.front import Front  # noqa: E402

application = Front(django_application)
