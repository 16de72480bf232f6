"""accounts.0004: self-registered owners' phone user names become non-personal handles, the
phone moves to the encrypted field with its keyed hash, and they log in by phone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from ravao.accounts.models import User
from ravao.accounts.phones import hash_of_typed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_phone_user_names_become_handles_and_the_phone_is_encrypted(fast_password_hasher):
    executor = MigrationExecutor(connection)
    before = [("accounts", "0003_device_keys")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldUser = old.get_model("accounts", "User")
        from django.contrib.auth.hashers import make_password

        OldUser.objects.create(
            username="84935246810", phone="+84935246810", role="venue_manager", password=make_password("owner-pw-1")
        )
        OldUser.objects.create(username="tinh", role="province_official", password=make_password("x"))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    owner = User.objects.get(phone_hash=hash_of_typed("0935 246 810"))
    assert owner.username.startswith("owner-") and owner.phone == "+84935246810"
    assert User.objects.get(username="tinh").phone_hash == ""
    with connection.cursor() as cur:
        cur.execute("SELECT username, phone FROM accounts_user")
        assert not [row for row in cur.fetchall() if "935246810" in row[0] + row[1]]
    c = Client()
    assert c.post("/accounts/login/", {"username": "0935 246 810", "password": "owner-pw-1"}).status_code == 302
