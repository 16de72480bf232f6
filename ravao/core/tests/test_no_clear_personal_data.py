"""No clear phone or name of a person outside the encrypted fields (issue 15): after a venue
self-registration (with its pending step in the session) and check-ins by form and by ID card,
every column of every table and every session is scanned for the numbers and names in clear.

Raw SQL reads what is stored (the encrypted fields' ciphertext), not what the ORM decrypts."""

import re
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from ravao.checkins.tests.conftest import CCCD_7, checkin_payload, member, person_payload
from ravao.core.sms import ConsoleSMSBackend
from ravao.testing import ApiClient
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db(transaction=False)

OWNER_PHONE, OWNER_NAME = "0905 123 456", "Nguyễn Thị Năm"
VISITOR_PHONE, VISITOR_NAME = "0912 345 678", "Nguyễn Văn An"
CARD_NAME = "Trần Thị Bình"

NEEDLES = [
    "905123456",  # every written form of the owner's number ends so: 0905…, 84905…, +84905…
    "912345678",
    OWNER_NAME.lower(),
    VISITOR_NAME.lower(),
    CARD_NAME.lower(),
    "nguyen thi nam",  # folded forms, should a search column keep them
    "nguyen van an",
    "tran thi binh",
]
# No table is excused: the self-registered manager's phone is encrypted in accounts.User too.
PENDING_ELSEWHERE: set[str] = set()


def clear_hits() -> dict[str, set[str]]:
    """{table.column or "session": the needles found in clear}."""
    hits: dict[str, set[str]] = {}
    with connection.cursor() as c:
        for table in connection.introspection.table_names():
            c.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalogue)
            names = [d[0] for d in c.description]
            for row in c.fetchall():
                for name, value in zip(names, row, strict=True):
                    if value is None:
                        continue
                    text = _flat(value)
                    for needle in NEEDLES:
                        if needle in text:
                            hits.setdefault(f"{table}.{name}", set()).add(needle)
    for session in Session.objects.all():
        text = _flat(str(SessionStore().decode(session.session_data)))
        for needle in NEEDLES:
            if needle in text:
                hits.setdefault("session", set()).add(needle)
    return hits


def _flat(value) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else str(value)
    text = text.lower()
    return re.sub(r"[\s.\-()]", "", text) + " " + text


def test_registration_and_check_ins_leave_no_clear_phone_or_name(small_map, users, settings):
    from ravao.catalog.models import VenueType

    settings.LANGUAGE_CODE = "en"
    owner = Client(headers={"Accept-Language": "en"})
    res = owner.post(
        "/venues/register/",
        {
            "name": "Quán cơm số 9",
            "venue_type": VenueType.objects.get(code="restaurant").pk,
            "unit": small_map.commune_a.code,
            "street": "9 Nguyễn Huệ",
            "contact_name": OWNER_NAME,
            "phone": OWNER_PHONE,
            "password": "a-good-long-passphrase",
        },
    )
    assert res.status_code == 302
    # The pending step: the form waits in the session, the code's record in the database.
    pending = {k: v for k, v in clear_hits().items() if k.split(".")[0] not in PENDING_ELSEWHERE}
    assert pending == {}, pending

    code = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    done = owner.post("/venues/register/confirm/", {"code": code})
    assert done.status_code == 302
    # The confirmation (it names the account's user name, the phone until the `auth` part lands)
    # is shown and leaves the session.
    assert owner.get(done["Location"]).status_code == 200

    venue = make_venue(small_map.commune_a, "Quán Cơm Bà Lan")
    visitor = ApiClient()
    person = person_payload(full_name=VISITOR_NAME, phone=VISITOR_PHONE)
    assert visitor.post("/checkins", checkin_payload(venue.code, person=person)).status_code == 201
    member(users["staff"], venue)
    gate = ApiClient(users["staff"])
    scan = {"venue": venue.code, "text": CCCD_7, "client_id": str(uuid.uuid4())}
    assert gate.post("/scans", scan).status_code == 201

    hits = clear_hits()
    assert {k: v for k, v in hits.items() if k.split(".")[0] not in PENDING_ELSEWHERE} == {}


def test_the_console_sms_log_masks_the_number_and_outside_the_demo_the_code(caplog, settings):
    from ravao.core.sms import send_sms

    settings.RAVAO_SMS_BACKEND = "ravao.core.sms.ConsoleSMSBackend"
    settings.RAVAO_DEMO = False
    with caplog.at_level("INFO", logger="ravao.sms"):
        send_sms("+84905123456", "Ravao: your code is 123456.")
    assert "905123456" not in caplog.text and "123456" not in caplog.text and "+84•••" in caplog.text
    caplog.clear()
    settings.RAVAO_DEMO = True  # the demo's terminal shows the code, never the number
    with caplog.at_level("INFO", logger="ravao.sms"):
        send_sms("+84905123456", "Ravao: your code is 123456.")
    assert "905123456" not in caplog.text and "123456." in caplog.text and caplog.text.count("456") == 2
