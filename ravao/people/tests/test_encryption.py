"""Personal fields are unreadable in the raw tables without the key."""

import json

from django.db import connection

from ravao.people.models import Declaration, Person
from ravao.people.services import declaration_record, person_find_or_create


def raw_rows(table: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table}")  # fixed table names
        return json.dumps(cur.fetchall(), default=str, ensure_ascii=False)


def test_names_phones_and_id_numbers_are_not_in_the_raw_table(db):
    person = person_find_or_create(
        full_name="Nguyễn Văn An", phone="0912345678", id_number="001090012345", birth_year=1990, street="12 Lê Lợi"
    )
    raw = raw_rows("people_person")
    for secret in ("Nguyễn", "Nguyen", "912345678", "0912345678", "001090012345", "Lê Lợi"):
        assert secret not in raw
    # ... and the application reads them back with the key.
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.full_name == "Nguyễn Văn An" and fresh.phone == "+84912345678" and fresh.id_number == "001090012345"


def test_declaration_answers_are_not_in_the_raw_table(db):
    person = person_find_or_create(full_name="Lê Thị Hà", phone="0987654321")
    declaration_record(person=person, answers={"commitment": True, "symptoms": ["fever"], "visited": "Đà Nẵng"})
    raw = raw_rows("people_declaration")
    assert "fever" not in raw and "Đà Nẵng" not in raw
    assert Declaration.objects.get().status == "yellow"


def test_visits_hold_no_personal_text(venue_for_people):
    from ravao.checkins.services import PersonInput, checkin_self

    checkin_self(
        client_id="00000000-0000-4000-8000-000000000001",
        code=venue_for_people.code,
        person=PersonInput(full_name="Trần Văn Bảy", phone="0987000111"),
    )
    raw = raw_rows("checkins_visit") + raw_rows("checkins_checkinreplay")
    assert "Trần" not in raw and "0987000111" not in raw and "987000111" not in raw
