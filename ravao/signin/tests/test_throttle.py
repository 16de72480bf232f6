"""The log-in lockout counted by every worker together (the finding: 18-20 wrong passwords got
through a limit of 10 with two workers, each counting alone in its memory), per user name and
address, with a cap per address; nobody can lock an official out from another address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from ravao.core.models import RateCount

ROOT = Path(__file__).resolve().parents[3]

CHILD = """
import django, os, sys
django.setup()
from django.contrib.auth import forms as auth_forms
from django.test import RequestFactory
from ravao.accounts.forms import ThrottledLoginForm
auth_forms.authenticate = lambda request, **credentials: None  # a wrong password, without users
refused = 0
for _ in range(int(sys.argv[1])):
    form = ThrottledLoginForm(RequestFactory().post("/", REMOTE_ADDR="203.0.113.9"),
                              data={"username": "province", "password": "wrong"})
    form.is_valid()
    refused += any(e.code == "throttled" for e in form.non_field_errors().as_data())
print(refused)
"""

SETUP = """
import django
django.setup()
from django.db import connection
from ravao.core.models import RateCount
with connection.schema_editor() as editor:
    editor.create_model(RateCount)
"""


def test_two_worker_processes_without_redis_lock_at_the_limit_together(tmp_path):
    """Two processes (two gunicorn workers: separate memories, one database), 10 wrong passwords
    each, limit 10: 10 tries are checked in all, not 20."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAVAO_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="ravao.settings",
        RAVAO_DATA_DIR=str(tmp_path),
        RAVAO_DEMO="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        RAVAO_LOGIN_MAX_FAILURES="10",
    )
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=120)
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, "10"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    refused = [int(child.communicate(timeout=120)[0].strip()) for child in children]
    assert sum(refused) == 10  # 20 tries, 10 checked: before, each worker checked its own 10


def wrong(client, username="province", password="wrong"):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_a_locked_pair_does_not_lock_the_official_out_from_their_own_connection(users, settings):
    settings.RAVAO_LOGIN_MAX_FAILURES = 3
    attacker = Client(REMOTE_ADDR="203.0.113.5", headers={"Accept-Language": "en"})
    for _ in range(3):
        wrong(attacker)
    res = wrong(attacker, password="pw-for-tests-1")
    assert res.status_code == 200 and "Too many failed log-ins" in res.content.decode()
    official = Client(REMOTE_ADDR="198.51.100.7")
    assert wrong(official, password="pw-for-tests-1").status_code == 302
    # The counts hold keyed hashes only: no user name, no address.
    assert not [k for k in RateCount.objects.values_list("key", flat=True) if "province" in k or "203.0" in k]


@pytest.mark.django_db
def test_one_address_spraying_many_user_names_is_stopped(users, settings):
    settings.RAVAO_LOGIN_ADDRESS_MAX_TRIES = 5
    sprayer = Client(REMOTE_ADDR="203.0.113.6", headers={"Accept-Language": "en"})
    for name in ["a", "b", "c", "d", "e"]:
        assert "Too many" not in wrong(sprayer, username=name).content.decode()
    res = wrong(sprayer, username="tracer", password="pw-for-tests-1")
    assert "Too many log-in attempts from this connection" in res.content.decode()
    assert wrong(Client(REMOTE_ADDR="198.51.100.8"), username="tracer", password="pw-for-tests-1").status_code == 302


@pytest.mark.django_db
def test_a_phone_typed_in_other_forms_counts_as_one(users, settings):
    settings.RAVAO_LOGIN_MAX_FAILURES = 2
    c = Client(REMOTE_ADDR="203.0.113.7", headers={"Accept-Language": "en"})
    wrong(c, username="0935246810")
    wrong(c, username="+84 935 246 810")
    assert "Too many failed log-ins" in wrong(c, username="84935246810").content.decode()
