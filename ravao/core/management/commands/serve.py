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
    help = (
        "Serve Ravao with granian (ASGI): the ingestion front answers the check-in hot paths, Django "
        "everything else, on one port: `ravao serve --bind 0.0.0.0:8000 --workers 2`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("RAVAO_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("RAVAO_WORKERS", "2")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("RAVAO_THREADS", "1")),
            help="Kept for old scripts: ignored (each worker has an event loop, a writer thread and Django's thread).",
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request to stdout.")

    def handle(self, *args, bind, workers, threads, access_log, **options):
        host, _sep, port = bind.rpartition(":")
        argv = [
            "granian",
            "--interface",
            "asgi",
            "--host",
            host.strip("[]") or "127.0.0.1",
            "--port",
            port,
            "--workers",
            str(workers),
            # A worker that dies (killed, out of memory) is started again: the others go on serving.
            "--respawn-failed-workers",
            "--workers-kill-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        if access_log:
            argv += ["--access-log"]
        if workers > 1:
            # Each worker counts its metrics in files here; /metrics adds them up (ravao/core/metrics.py).
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir(bind)
        self.stdout.write(
            f"Ravao serving on http://{bind} ({workers} workers, "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        argv.append("ravao.asgi:application")
        os.execv(sys.executable, [sys.executable, "-m", "granian", *argv[1:]])
