"""/metrics: who may read it, what it says, and that its counters move with real requests; the
request id and JSON log lines; gunicorn's several workers added up (multiprocess mode)."""

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from prometheus_client import REGISTRY

from ravao.checkins.tests.conftest import CCCD_7, checkin_payload, make_venue, member
from ravao.core.observability import JsonFormatter, RequestIdFilter
from ravao.testing import ApiClient

GREEN = {"commitment": True, "symptoms": [], "contact_case": False, "contact_symptomatic": False, "visited": "Huế"}
ROOT = Path(__file__).resolve().parents[3]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_it_answers_the_machine_itself_and_refuses_other_addresses(db):
    assert Client().get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    assert Client(REMOTE_ADDR="10.0.0.7").get("/metrics").status_code == 403


def test_it_wants_the_token_when_one_is_set(db, settings):
    settings.RAVAO_METRICS_TOKEN = "s3cret-token"
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    r = Client(REMOTE_ADDR="10.0.0.7").get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert r.status_code == 200


def test_it_counts_requests_by_route_and_status_with_latency(db):
    before = sample("ravao_http_requests_total", route="api/v1/keys", method="GET", status="200")
    assert Client().get("/api/v1/keys").status_code == 200
    text = Client().get("/metrics").content.decode()
    assert sample("ravao_http_requests_total", route="api/v1/keys", method="GET", status="200") == before + 1
    assert 'ravao_http_request_duration_seconds_bucket{le="0.005",method="GET",route="api/v1/keys"}' in text
    assert "ravao_login_failures_total" in text


def test_check_ins_and_scans_move_their_counters_by_channel_and_colour(venue, users):
    new = {"endpoint": "checkin", "channel": "self", "colour": "green", "answer": "new"}
    again = {**new, "answer": "again"}
    before, before_again = sample("ravao_checkins_total", **new), sample("ravao_checkins_total", **again)
    payload = checkin_payload(venue.code, declaration=GREEN)
    api = ApiClient()
    assert api.post("/checkins", payload).status_code == 201
    assert api.post("/checkins", payload).status_code == 200  # the same client_id: a replay
    assert sample("ravao_checkins_total", **new) == before + 1
    assert sample("ravao_checkins_total", **again) == before_again + 1

    staff = member(users["staff"], venue)
    scan = {"endpoint": "scan", "channel": "cccd", "colour": "undeclared", "answer": "new"}
    before = sample("ravao_checkins_total", **scan)
    r = ApiClient(staff).post("/scans", {"venue": venue.code, "client_id": str(uuid.uuid4()), "text": CCCD_7})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "undeclared"
    assert sample("ravao_checkins_total", **scan) == before + 1
    assert 'ravao_checkins_total{answer="new",channel="cccd",colour="undeclared",endpoint="scan"}' in (
        Client().get("/metrics").content.decode()
    )


def test_a_refused_log_in_is_counted(users):
    before = sample("ravao_login_failures_total")
    Client().post("/accounts/login/", {"username": "tracer", "password": "wrong"})
    assert sample("ravao_login_failures_total") == before + 1


def test_it_reports_the_rollup_lag_once_the_rollup_ran(small_map):
    from ravao.oversight.rollup import rollup

    assert "\nravao_rollup_lag_seconds " not in Client().get("/metrics").content.decode()
    rollup()
    text = Client().get("/metrics").content.decode()
    lag = float(next(line.split()[1] for line in text.splitlines() if line.startswith("ravao_rollup_lag_seconds ")))
    assert 0 <= lag < 60 and "ravao_rollup_last_duration_seconds " in text
    assert "ravao_replica_lag_seconds" not in text  # no replica configured


def test_every_answer_carries_a_request_id_and_keeps_a_sane_given_one(db):
    made = Client().get("/api/v1/keys")["X-Request-ID"]
    assert len(made) == 32
    assert Client().get("/api/v1/keys", headers={"X-Request-ID": "lb-42.a"})["X-Request-ID"] == "lb-42.a"
    assert Client().get("/api/v1/keys", headers={"X-Request-ID": "<script>"})["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id(db, monkeypatch):
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(JsonFormatter().format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        r = Client().get("/no-such-page/", headers={"X-Request-ID": "trace-me-1"})
    finally:
        logger.removeHandler(handler)
    assert r.status_code == 404
    entry = json.loads(lines[-1])
    assert entry["request_id"] == "trace-me-1" and entry["level"] == "WARNING" and "Not Found" in entry["message"]


def test_several_worker_processes_are_added_up(tmp_path):
    """What `ravao serve --workers N` sets up: each process counts in PROMETHEUS_MULTIPROC_DIR."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ravao.settings"}
    count = (
        "import django; django.setup(); from ravao.core import metrics; "
        "metrics.LOGIN_FAILURES.inc(); metrics.REQUESTS.labels('r', 'GET', '200').inc(3)"
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, cwd=ROOT, check=True, timeout=60)
    show = "import django; django.setup(); from ravao.core import metrics; print(metrics.exposition().decode())"
    out = subprocess.run(
        [sys.executable, "-c", show], env=env, cwd=ROOT, check=True, timeout=60, capture_output=True, text=True
    ).stdout
    assert "ravao_login_failures_total 2.0" in out
    assert 'ravao_http_requests_total{method="GET",route="r",status="200"} 6.0' in out


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a)


def test_serve_gives_each_address_its_own_emptied_metrics_directory(tmp_path, monkeypatch):
    from ravao.core.management.commands.serve import metrics_dir

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    first = Path(metrics_dir("127.0.0.1:8000"))
    (first / "counter_123.db").write_bytes(b"old run")
    assert first.name == "ravao-metrics-127-0-0-1-8000"
    assert Path(metrics_dir("127.0.0.1:8000")) == first and not list(first.iterdir())
    assert Path(metrics_dir("0.0.0.0:9000")) != first
