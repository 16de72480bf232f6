"""The parts of the ingestion front, each against its alternative, on this machine.

    .venv/bin/python bench/ingest_parts.py [--seconds 5]

1. HTTP server: the same minimal ASGI app (read a JSON body, answer a small JSON) under granian
   and under uvicorn (httptools, uvloop), one worker each, wrk with 16 connections; and Django's
   own per-request cost for comparison (an empty Django view through Django's ASGI handler and
   middleware list, under granian).
2. JSON: orjson against the standard library (parse and answer a check-in body).
3. In-process steps of the front per request: validation with the API's schema (pydantic, what
   ninja runs), the request object (Django's ASGIRequest) and the language.
No database: the write path is measured by bench/checkin_throughput.py.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

BODY = {
    "venue": "ABCDEFG",
    "client_id": "5b4a1c3e-1f2a-4b7c-9d8e-0a1b2c3d4e5f",
    "person": {"full_name": "Nguyễn Văn An", "id_number": "046090001234", "birth_year": 1990},
    "declaration": {"symptoms": [], "contact_case": False, "contact_symptomatic": False},
}

MINIMAL = """
import orjson

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        m = await receive()
        body += m.get("body", b"")
        if not m.get("more_body"):
            break
    data = orjson.loads(body) if body else {}
    out = orjson.dumps({"id": 1, "venue": data.get("venue", "")})
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(out)).encode())]})
    await send({"type": "http.response.body", "body": out})
"""

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[%s]]
"""


def serve(argv, port, env=None):
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.25)
    return proc


def wrk(port, seconds, path="/api/v1/checkins") -> float:
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua.write_text(LUA % json.dumps(BODY, ensure_ascii=False))
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", "16", "-d", f"{seconds}s", "-s", str(lua), f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
    )
    lua.unlink()
    for line in out.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out.stdout + out.stderr)


def servers(seconds: int) -> None:
    app_dir = Path(tempfile.mkdtemp())
    (app_dir / "minimal_app.py").write_text(MINIMAL)
    env = {**os.environ, "PYTHONPATH": str(app_dir)}
    bin_dir = Path(sys.executable).parent
    runs = [
        (
            "granian, minimal ASGI app",
            [
                bin_dir / "granian",
                "--interface",
                "asgi",
                "--port",
                "8121",
                "--workers",
                "1",
                "--log-level",
                "error",
                "minimal_app:app",
            ],
            8121,
            env,
            "/api/v1/checkins",
        ),
        (
            "uvicorn (httptools, uvloop), minimal ASGI app",
            [
                bin_dir / "uvicorn",
                "--port",
                "8122",
                "--workers",
                "1",
                "--log-level",
                "error",
                "--http",
                "httptools",
                "--loop",
                "uvloop",
                "--no-access-log",
                "minimal_app:app",
            ],
            8122,
            env,
            "/api/v1/checkins",
        ),
        (
            "granian, Django's ASGI handler and middleware (GET /healthz)",
            [
                bin_dir / "granian",
                "--interface",
                "asgi",
                "--port",
                "8123",
                "--workers",
                "1",
                "--log-level",
                "error",
                "ravao.asgi:django_application",
            ],
            8123,
            {**os.environ, "RAVAO_DEMO": "1"},
            "/healthz",
        ),
    ]
    for label, argv, port, run_env, path in runs:
        proc = serve([str(a) for a in argv], port, run_env)
        try:
            rates = [wrk(port, seconds, path) for _ in range(3)]
            print(f"   {label}: {', '.join(f'{r:,.0f}' for r in rates)} requests/s (3 runs of {seconds} s)")
        finally:
            os.killpg(proc.pid, 15)
            proc.wait()


def in_process() -> None:
    import orjson

    raw = json.dumps(BODY, ensure_ascii=False).encode()
    n = 20000
    std = timeit.timeit(lambda: json.dumps(json.loads(raw)), number=n) / n * 1e6
    fast = timeit.timeit(lambda: orjson.dumps(orjson.loads(raw)), number=n) / n * 1e6
    print(f"   JSON parse + answer: json {std:.1f} µs, orjson {fast:.1f} µs")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
    os.environ.setdefault("RAVAO_DEMO", "1")
    import django

    django.setup()
    from django.core.handlers.asgi import ASGIRequest
    from django.utils import translation

    from ravao.checkins.api import CheckinIn
    from ravao.ingest.front import _NoBody

    data = orjson.loads(raw)
    check = timeit.timeit(lambda: CheckinIn.model_validate(data), number=n) / n * 1e6
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/checkins",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"accept-language", b"vi,en;q=0.8")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    req = timeit.timeit(lambda: ASGIRequest(scope, _NoBody()), number=n) / n * 1e6
    request = ASGIRequest(scope, _NoBody())
    lang = timeit.timeit(lambda: translation.get_language_from_request(request), number=n) / n * 1e6
    print(f"   schema validation (CheckinIn) {check:.1f} µs, ASGIRequest {req:.1f} µs, language {lang:.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    common.print_machine("ingestion front: the parts and their alternatives")
    in_process()
    servers(args.seconds)
    print(f"   load after run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
