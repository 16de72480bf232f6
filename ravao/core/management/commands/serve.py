import os
import re
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def metrics_dir(bind: str) -> str:
    """PROMETHEUS_MULTIPROC_DIR as given, or one per bound address in the temporary directory
    (two servers cannot share an address); emptied of a previous run's files."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    own = "ravao-metrics-" + re.sub(r"[^A-Za-z0-9]+", "-", bind).strip("-")
    path = Path(given) if given else Path(tempfile.gettempdir()) / own
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):
        old.unlink()
    return str(path)


class Command(BaseCommand):
    help = "Serve Ravao with gunicorn (a real WSGI server): `ravao serve --bind 0.0.0.0:8000 --workers 4`."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("RAVAO_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("RAVAO_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("RAVAO_THREADS", "1")))
        parser.add_argument("--access-log", action="store_true", help="Log every request to stdout.")

    def handle(self, *args, bind, workers, threads, access_log, **options):
        argv = [
            "gunicorn",
            "ravao.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-tmp-dir",
            "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp",
            "--graceful-timeout",
            "10",
            "--timeout",
            "60",
            "--max-requests",
            "50000",
            "--max-requests-jitter",
            "5000",
            # Load the application once in the master: workers fork with Django, the URL
            # conf and the API schema already imported (faster start, shared memory pages).
            "--preload",
        ]
        if access_log:
            argv += ["--access-logfile", "-"]
        if workers > 1:
            # Each worker counts its metrics in files here; /metrics adds them up (ravao/core/metrics.py).
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir(bind)
        self.stdout.write(
            f"Ravao serving on http://{bind} ({workers} workers, {threads} threads, "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *argv[1:]])
