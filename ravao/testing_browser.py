"""Browser-test helpers: Debian's chromium driven by Playwright against pytest-django's live server.

The fixtures built on these helpers live in the root ``conftest.py`` (``chromium``,
``phone_context``, ``page``, ``login_as``, ``launch_chromium``); tests that use them are marked
``@pytest.mark.browser``. The live server is pytest-django's ``live_server`` (a real threaded WSGI
server on a free port, serving static files through the staticfiles finders, vendor files
included), so tests that use it get ``transactional_db``: rows the test writes are visible to the
server and the other way round.

Nothing is downloaded: the browser is the system's ``chromium`` found on ``PATH``
(``RAVAO_CHROMIUM`` overrides it with a path or a command name). Without one the browser tests
are skipped and the run ends with ``MISSING`` on one line; ``RAVAO_REQUIRE_BROWSER=1`` (set by
``.ci/run``) makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.test import Client


def _find_chromium() -> str | None:
    wanted = os.environ.get("RAVAO_CHROMIUM") or "chromium"
    if os.sep in wanted:
        return wanted if Path(wanted).is_file() else None
    return shutil.which(wanted)


# The executable, or None when this machine has none (then CHROMIUM_WANTED says what was looked for).
CHROMIUM_WANTED = os.environ.get("RAVAO_CHROMIUM") or "chromium"
CHROMIUM = _find_chromium()
REQUIRED = os.environ.get("RAVAO_REQUIRE_BROWSER", "") not in ("", "0")
MISSING = (
    f"Browser tests skipped: no chromium ({CHROMIUM_WANTED!r} not found). To run them: "
    "apt-get install chromium (make test does it when run as root), or set RAVAO_CHROMIUM=/path/to/chromium."
)

# Quiet, deterministic chromium: no sandbox (containers), no GPU, nothing fetched in the background.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# A cheap phone: the size every page must work at (STYLE: test at 360×740).
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "screen": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 11; Ravao test phone) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
    ),
}

DEFAULT_TIMEOUT_MS = 10_000


def chromium_available() -> bool:
    return CHROMIUM is not None


def fake_camera_args(y4m: str | os.PathLike) -> list[str]:
    """Chromium flags that make getUserMedia return the frames of a Y4M file, without a prompt."""
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={os.fspath(y4m)}",
    ]


def write_qr_y4m(text: str, path: str | os.PathLike, *, width: int = 640, height: int = 480, frames: int = 3) -> Path:
    """Write a Y4M video (raw YUV 4:2:0) whose frames show a QR code of ``text``, for
    ``--use-file-for-fake-video-capture``: chromium's fake camera then films that QR."""
    import segno

    qr = segno.make(text, error="m")
    rows = [bytes(row) for row in qr.matrix_iter(scale=1, border=4)]
    modules = len(rows)
    scale = max(1, min(width, height) * 9 // 10 // modules)
    size = modules * scale
    left, top = (width - size) // 2, (height - size) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        line = b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        for dy in range(scale):
            start = (top + y * scale + dy) * width + left
            luma[start : start + size] = line
    chroma = b"\x80" * ((width // 2) * (height // 2))
    path = Path(path)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(luma)
            out.write(chroma)
            out.write(chroma)
    return path


def launch(playwright, extra_args: list[str] | tuple[str, ...] = ()):
    """Launch headless chromium with Ravao's standard flags plus ``extra_args``."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, *extra_args],
    )


def new_phone_context(browser, base_url: str, **overrides):
    """A fresh browser profile shaped like a cheap phone (360×740, touch, Vietnamese)."""
    # Playwright's wait_for_function evaluates its predicate with eval() in the page, which the
    # site's Content-Security-Policy forbids: tests bypass the policy, except the CSP test
    # (ravao/core/tests/test_csp_browser.py), which enforces it and waits without eval.
    options = {**PHONE, "base_url": base_url, "bypass_csp": True, **overrides}
    context = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context


def session_cookie_for(user) -> str:
    """Log ``user`` in server-side (a real session row) and return the session key."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def login(context, user, base_url: str) -> None:
    """Put ``user``'s session cookie into a browser context, as if they had logged in."""
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie_for(user),
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


__all__ = [
    "CHROMIUM",
    "MISSING",
    "CHROMIUM_ARGS",
    "PHONE",
    "chromium_available",
    "fake_camera_args",
    "launch",
    "login",
    "new_phone_context",
    "session_cookie_for",
    "write_qr_y4m",
]
