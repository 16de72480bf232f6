import os
import subprocess
import sys
from pathlib import Path

import pytest

from ravao.env import envbool, envint, envlist, envstr

ROOT = Path(__file__).resolve().parents[3]


def test_typed_helpers_read_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret = tmp_path / "secret"
    secret.write_text("from-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert envbool("X_BOOL", False) is True
    assert envbool("X_MISSING", True) is True
    assert envint("X_INT", 0) == 42
    assert envlist("X_LIST", []) == ["a", "b", "c"]
    assert envstr("X_SECRET") == "from-file"
    monkeypatch.setenv("X_BAD", "maybe")
    with pytest.raises(ValueError):
        envbool("X_BAD", False)


def run_ravao(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAVAO_") and k != "DATABASE_URL"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "ravao.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "RAVAO_SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
    "RAVAO_ALLOWED_HOSTS": "ravao.example.vn",
    "RAVAO_BASE_URL": "https://ravao.example.vn",
    "RAVAO_SSL_REDIRECT": "1",
    "RAVAO_HSTS_SECONDS": "31536000",
    "RAVAO_FIELD_KEYS": "9sDUv3dUq0bH4B6Ck3m5Yz3J2m1vB8h2y7Q8aQJ0z5Q=",
    "RAVAO_LOOKUP_KEY": "a-long-random-lookup-key-for-the-keyed-hashes",
    "RAVAO_SIGNING_KEYS": "k1:" + "A" * 43 + "=",
    "RAVAO_SMS_BACKEND": "ravao.core.sms.ConsoleSMSBackend",  # replaced below by a sending one
    "RAVAO_REDIS_URL": "redis://127.0.0.1:6379/0",
}
PRODUCTION["RAVAO_SMS_BACKEND"] = "myorg.sms.GatewayBackend"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_ravao(
        "check", "--deploy", "--fail-level", "WARNING", env_extra={**PRODUCTION, "RAVAO_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_about_the_demo_defaults(tmp_path):
    result = run_ravao("check", "--deploy", "--fail-level", "WARNING", env_extra={"RAVAO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0


def test_check_deploy_refuses_keys_derived_from_the_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "RAVAO_SIGNING_KEYS"}
    result = run_ravao(
        "check", "--deploy", "--fail-level", "WARNING", env_extra={**env, "RAVAO_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "RAVAO_SIGNING_KEYS" in result.stdout + result.stderr


def test_the_cli_wraps_django_commands():
    result = run_ravao("help")
    assert result.returncode == 0
    assert "loadunits" in result.stdout and "apitoken" in result.stdout


def test_check_deploy_refuses_the_public_demo_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "RAVAO_SECRET_KEY"}
    result = run_ravao("check", "--deploy", env_extra={**env, "RAVAO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ravao.E001" in result.stdout + result.stderr


def test_the_client_address_comes_from_the_proxy_header_when_configured(rf, settings):
    from ravao.core.net import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert client_ip(request) == "10.0.0.1"
    settings.RAVAO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(request) == "203.0.113.7"


def test_check_deploy_warns_when_rate_limits_are_counted_per_worker(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "RAVAO_REDIS_URL"}
    result = run_ravao(
        "check", "--deploy", "--fail-level", "WARNING", env_extra={**env, "RAVAO_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0 and "ravao.W011" in result.stdout + result.stderr
