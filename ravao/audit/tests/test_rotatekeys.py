"""`ravao rotatekeys`: personal data re-encrypted under the newest field key, idempotently."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from ravao.audit.models import Action, AuditEntry
from ravao.people.models import Declaration, Person
from ravao.people.services import declaration_record, person_find_or_create

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # fixed names
        return cur.fetchone()[0]


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotatekeys", *args, stdout=out)
    return out.getvalue()


def test_it_re_encrypts_every_value_under_the_newest_key_and_a_second_run_changes_nothing(db):
    with override_settings(RAVAO_FIELD_KEYS=[OLD]):
        people = [person_find_or_create(full_name=f"Nguyễn Văn {i}", phone=f"09123456{i:02d}") for i in range(5)]
        declaration_record(person=people[0], answers={"commitment": True, "symptoms": ["fever"]})
        declaration = Declaration.objects.get()
    old_token = raw("people_person", "full_name", people[0].pk)
    Fernet(OLD.encode()).decrypt(old_token.encode())  # written under the old key

    with override_settings(RAVAO_FIELD_KEYS=[NEW, OLD]):
        assert "dry run: " in (dry := rotate("--dry-run", "--batch", "2")) and "re-encrypted 11 values" in dry
        assert raw("people_person", "full_name", people[0].pk) == old_token  # the dry run wrote nothing
        assert not AuditEntry.objects.filter(object_type="field_keys").exists()  # nor an audit entry
        out = rotate("--batch", "2")  # batches smaller than the table: paging is exercised
        assert "re-encrypted 11 values" in out and "people_person 10" in out and "people_declaration 1" in out
        assert "re-encrypted 0 values" in rotate()  # idempotent: a re-run after a cut is safe

    # Each run that writes leaves one audit entry with what it read and re-encrypted.
    first, second = AuditEntry.objects.filter(object_type="field_keys").order_by("id")
    assert (first.action, first.purpose, first.username) == (Action.CHANGE, "rotatekeys", "")
    assert first.detail["values_reencrypted"] == 11 and first.detail["rows_read"] >= 6
    assert first.detail["per_table"] == {"people_person": 10, "people_declaration": 1}
    assert second.detail["values_reencrypted"] == 0 and "stopped" not in second.detail

    # Only the new key is needed now: the old one can be dropped.
    with override_settings(RAVAO_FIELD_KEYS=[NEW]):
        for person in people:
            fresh = Person.objects.get(pk=person.pk)
            assert fresh.full_name == person.full_name and fresh.phone == person.phone
        assert Declaration.objects.get(pk=declaration.pk).answers == declaration.answers
    with pytest.raises(InvalidToken):
        Fernet(OLD.encode()).decrypt(raw("people_person", "full_name", people[0].pk).encode())


def test_it_refuses_a_batch_below_one(db):
    with pytest.raises(CommandError, match="--batch"):
        rotate("--batch", "0")


def test_it_stops_with_a_clear_error_on_a_value_no_key_opens_and_writes_nothing_of_that_batch(db):
    with override_settings(RAVAO_FIELD_KEYS=[OLD]):
        people = [person_find_or_create(full_name=f"Trần Thị {i}", phone=f"09876543{i:02d}") for i in range(3)]
    before = [raw("people_person", "full_name", p.pk) for p in people]
    with override_settings(RAVAO_FIELD_KEYS=[NEW]), pytest.raises(CommandError, match="none of RAVAO_FIELD_KEYS"):
        rotate()  # the old key was dropped before rotating
    assert [raw("people_person", "full_name", p.pk) for p in people] == before
    entry = AuditEntry.objects.get(object_type="field_keys")  # the stopped run is in the audit log too
    assert "none of RAVAO_FIELD_KEYS" in entry.detail["stopped"] and entry.detail["values_reencrypted"] == 0
