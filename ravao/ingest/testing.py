"""Driving the ingestion front in tests without a server: the ASGI app called in process.

``FrontClient.post(path, body)`` sends one request; ``FrontClient.group([...])`` sends several
that the writer commits as one group (it holds the queue until they have all arrived). The
writer runs in its own thread with its own database connection: tests that use it need
``django_db(transaction=True)``.
"""

import asyncio
import json
from dataclasses import dataclass

from ravao.ingest.front import Front


@dataclass
class Answer:
    status: int
    headers: dict
    content: bytes

    def json(self):
        return json.loads(self.content)


def _scope(path: str, headers: dict) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (k.lower().encode(), v.encode()) for k, v in {"content-type": "application/json", **headers}.items()
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


async def _call(app, path: str, body: bytes, headers: dict) -> Answer:
    sent = False
    out = {"status": 0, "headers": {}, "body": b""}

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(_scope(path, headers), receive, send)
    return Answer(out["status"], out["headers"], out["body"])


OPEN: list = []  # fronts made by tests: their writers are stopped after each test (conftest)


class FrontClient:
    def __init__(self, app=None, *, token: str = ""):
        if app is None:
            from django.core.asgi import get_asgi_application

            app = Front(get_asgi_application())
        self.app, self.token = app, token
        OPEN.append(app)

    def _headers(self, extra) -> dict:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def post(self, path: str, body, headers: dict | None = None) -> Answer:
        return self.group([(path, body)], headers)[0]

    def group(self, requests: list[tuple[str, object]], headers: dict | None = None) -> list[Answer]:
        """Send ``requests`` (path, JSON body) together: the front writes them as one group, in order."""

        async def run():
            writer = self.app.writer
            writer.hold(True)
            tasks = []
            for path, body in requests:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                tasks.append(asyncio.create_task(_call(self.app, "/api/v1" + path, data, self._headers(headers))))
                await asyncio.sleep(0)  # each reaches the queue before the next starts: order kept
            for _ in range(500):
                if writer.waiting() >= len(requests) or all(t.done() for t in tasks):
                    break
                await asyncio.sleep(0.002)
            writer.hold(False)
            return await asyncio.gather(*tasks)

        return asyncio.run(run())
