"""Issue 15: production must not start on the public demo key or on keys derived from it."""

import os
import subprocess
import sys

import pytest

from ravao.core.tests.test_settings import PRODUCTION, ROOT, run_ravao


def start_wsgi(env_extra, tmp_path):
    """Load the ASGI application as granian does (``ravao serve`` execs granian on it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAVAO_") and k != "DATABASE_URL"}
    env.update({"RAVAO_DATA_DIR": str(tmp_path), **env_extra})
    return subprocess.run(
        [sys.executable, "-c", "import ravao.asgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_serve_on_the_demo_defaults(tmp_path):
    result = start_wsgi({"RAVAO_DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    for name in ("RAVAO_SECRET_KEY", "RAVAO_FIELD_KEYS", "RAVAO_LOOKUP_KEY", "RAVAO_SIGNING_KEYS", "RAVAO_DEMO=1"):
        assert name in result.stderr


def test_it_refuses_to_serve_on_keys_derived_from_a_real_secret(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k not in ("RAVAO_FIELD_KEYS", "RAVAO_SIGNING_KEYS")}
    result = start_wsgi(env, tmp_path)
    assert result.returncode != 0
    assert "RAVAO_FIELD_KEYS is not set" in result.stderr and "RAVAO_SIGNING_KEYS is not set" in result.stderr
    assert "RAVAO_LOOKUP_KEY" not in result.stderr and "RAVAO_SECRET_KEY" not in result.stderr


def test_it_refuses_keys_copied_from_the_demo(tmp_path):
    """A real secret with the demo's derived keys pasted in is still the demo's keys."""
    import base64

    from ravao.core.failclosed import _demo_derived

    env = {
        **PRODUCTION,
        "RAVAO_FIELD_KEYS": base64.urlsafe_b64encode(_demo_derived("ravao-field-encryption")).decode(),
        "RAVAO_SIGNING_KEYS": "d1:" + base64.b64encode(_demo_derived("ravao-qr-signing")).decode(),
    }
    result = start_wsgi(env, tmp_path)
    assert result.returncode != 0
    assert "RAVAO_FIELD_KEYS holds a key derived from the public demo key" in result.stderr
    assert "RAVAO_SIGNING_KEYS holds a key derived from the public demo key" in result.stderr


def test_it_serves_with_production_keys(tmp_path):
    result = start_wsgi(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("switch", [{"RAVAO_DEMO": "1"}, {"RAVAO_DEBUG": "1"}])
def test_a_demonstration_or_debug_may_run_on_demo_keys(tmp_path, switch):
    assert start_wsgi(switch, tmp_path).returncode == 0


def test_commands_refuse_with_a_message_naming_the_settings(tmp_path):
    result = run_ravao("check", env_extra={"RAVAO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "ravao.E010" in out and "RAVAO_SECRET_KEY is the public demo key" in out
    result = run_ravao("migrate", "--noinput", env_extra={"RAVAO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0 and "ravao.E010" in result.stdout + result.stderr


def test_commands_run_as_a_demonstration(tmp_path):
    result = run_ravao("check", env_extra={"RAVAO_DATA_DIR": str(tmp_path), "RAVAO_DEMO": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_keys_can_be_generated_before_any_key_is_configured(tmp_path):
    result = run_ravao("keys", "--generate", env_extra={"RAVAO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "RAVAO_SIGNING_KEYS" in result.stdout


def test_every_page_shows_the_demo_banner(client, settings, db):
    settings.RAVAO_DEMO = True
    assert "demo-banner" in client.get("/").content.decode()
    assert "demo-banner" in client.get("/accounts/login/").content.decode()
    assert "Bản trình diễn" in client.get("/", headers={"Accept-Language": "vi"}).content.decode()
    settings.RAVAO_DEMO = False
    assert "demo-banner" not in client.get("/").content.decode()
