"""The front and Django record the same check-ins: random sequences of self check-ins (with
declarations, companions, holder links), gate scans in and out, typed numbers and replays are
sent once through Django (the reference: one request, one transaction) and once through the
ingestion front (in groups of random sizes, one transaction each), on PostgreSQL; every answer
and every row of visits, people, declarations and replays must be the same (ids, instants,
receipts and holder links compared by what they refer to)."""

import uuid
from datetime import datetime

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ravao.audit.models import AuditEntry
from ravao.checkins.models import CheckinReplay, Visit
from ravao.core import hotcache
from ravao.ingest.testing import FrontClient
from ravao.ingest.tests.conftest import postgres_only
from ravao.people.models import Declaration, Person
from ravao.testing import ApiClient

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = [
    ("Trần Thị Bình", "001090012345", "15041990", "Nữ", 1990),
    ("Lê Văn Cường", "046095001234", "02021995", "Nam", 1995),
    ("Phạm Minh Đức", "079088004321", "30121988", "Nam", 1988),
]
DECLARATIONS = [
    None,
    {"symptoms": [], "contact_case": False, "contact_symptomatic": False},
    {"symptoms": ["cough"], "contact_case": False, "contact_symptomatic": False},
]

person_i = st.integers(0, len(PEOPLE) - 1)
venue_i = st.integers(0, 1)
OPS = st.one_of(
    st.tuples(
        st.just("checkin"),
        person_i,
        venue_i,
        st.sampled_from(range(len(DECLARATIONS))),
        st.integers(0, 1),  # companions
        st.booleans(),  # send the holder link of this person's first answer that gave one
        st.booleans(),  # by phone instead of ID number
    ),
    st.tuples(st.just("scan"), person_i, venue_i, st.sampled_from(["in", "in", "out"])),
    st.tuples(st.just("typed"), person_i, venue_i),
    st.tuples(st.just("replay"), st.integers(0, 30)),
    st.tuples(st.just("unknown_venue"), person_i),
)


def card(i: int) -> str:
    name, number, born, sex, _year = PEOPLE[i]
    return f"{number}|123456789|{name}|{born}|{sex}|12 Lê Lợi, Huế|01072021"


def requests_for(ops, venues) -> list:
    """The requests of a sequence: (path, body, holder_of) where holder_of names an earlier
    request whose answer's holder link goes into this body (resolved per run)."""
    out = []
    for op in ops:
        kind = op[0]
        if kind == "replay":
            if out:
                out.append(out[op[1] % len(out)])
            continue
        if kind == "checkin":
            _k, p, v, d, companions, holder, by_phone = op
            name, number, _born, _sex, year = PEOPLE[p]
            person = {"full_name": name, "birth_year": year}
            person.update({"phone": f"09123450{p:02d}"} if by_phone else {"id_number": number})
            body = {"venue": venues[v], "client_id": str(uuid.uuid4()), "person": person}
            if DECLARATIONS[d] is not None:
                body["declaration"] = DECLARATIONS[d]
            if companions:
                body["companions"] = [{"full_name": "Bé Na", "birth_year": 2018}]
            out.append(("/checkins", body, ("holder", p) if holder else None))
        elif kind == "scan":
            _k, p, v, direction = op
            body = {"venue": venues[v], "text": card(p), "client_id": str(uuid.uuid4()), "direction": direction}
            out.append(("/scans", body, None))
        elif kind == "typed":
            _k, p, v = op
            number, year = PEOPLE[p][1], PEOPLE[p][4]
            body = {"venue": venues[v], "text": number, "birth_year": year, "client_id": str(uuid.uuid4())}
            out.append(("/scans", body, None))
        else:
            body = {"venue": "NOSUCHX", "client_id": str(uuid.uuid4()), "person": {"full_name": PEOPLE[op[1]][0]}}
            out.append(("/checkins", body, None))
    return out


class Run:
    """One pass of the requests; what it answered, with holder links resolved as it goes."""

    def __init__(self):
        self.answers, self.holders = [], {}

    def body(self, body, holder_of):
        if holder_of is not None and holder_of in self.holders:
            return {**body, "holder": self.holders[holder_of]}
        return body

    def keep(self, holder_of_key, status, answer):
        self.answers.append((status, answer))
        if holder_of_key is not None and isinstance(answer, dict) and answer.get("holder"):
            self.holders.setdefault(holder_of_key, answer["holder"])


def key_of(path, body):
    if path == "/checkins" and body.get("venue") != "NOSUCHX":
        name = body["person"]["full_name"]
        return ("holder", next(i for i, p in enumerate(PEOPLE) if p[0] == name))
    return None


def through_django(requests, token) -> list:
    run, public, gate = Run(), ApiClient(), ApiClient()
    gate.headers["Authorization"] = f"Bearer {token}"
    for path, body, holder_of in requests:
        res = (gate if path == "/scans" else public).post(path, run.body(body, holder_of))
        run.keep(key_of(path, body), res.status_code, res.json())
    return run.answers


def through_front(requests, token, sizes) -> list:
    run, front = Run(), FrontClient(token=token)
    i, s = 0, 0
    while i < len(requests):
        size = sizes[s % len(sizes)]
        s += 1
        chunk = requests[i : i + size]
        # A holder link comes from an earlier answer: a request that needs one from this
        # group's answers starts the next group.
        cut = len(chunk)
        for j, (_p, _b, holder_of) in enumerate(chunk):
            if j and holder_of is not None and holder_of not in run.holders:
                cut = j
                break
        chunk = chunk[:cut]
        answers = front.group([(p, run.body(b, h)) for p, b, h in chunk])
        for (path, body, _h), answer in zip(chunk, answers, strict=True):
            run.keep(key_of(path, body), answer.status, answer.json())
        i += len(chunk)
    front.app.writer.stop()
    return run.answers


def reset():
    for model in (Visit, CheckinReplay, Declaration):
        model.objects.all().delete()
    Person.objects.all().delete()
    cache.clear()
    hotcache.clear()
    # The audit log is append-only: compare what each run adds.
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _minutes(a: str, b: str) -> int:
    return round((datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 60)


def normal(answers) -> list:
    """Answers with ids as ranks, instants as the stay in minutes, secrets as whether given."""
    ids: dict = {}

    def visit(body):
        body = dict(body)
        if "id" in body:
            body["id"] = ids.setdefault(body["id"], len(ids))
        if "checked_in_at" in body:
            body["stay"] = _minutes(body.pop("checked_in_at"), body.pop("checked_out_at"))
        for secret in ("receipt", "holder"):
            if secret in body:
                body[secret] = bool(body[secret])
        if "companions" in body:
            body["companions"] = [visit(c) for c in body["companions"]]
        return body

    return [(status, visit(body)) for status, body in answers]


def rows(audit_since: int) -> dict:
    people = {p.pk: i for i, p in enumerate(Person.objects.order_by("pk"))}
    visits = {v.pk: i for i, v in enumerate(Visit.objects.order_by("pk"))}
    return {
        "people": [
            (p.full_name, p.phone, p.id_number, p.birth_date, p.birth_year, p.sex, p.qr_version)
            + (people.get(p.guardian_id),)
            for p in Person.objects.order_by("pk")
        ],
        "visits": [
            (
                v.venue_id,
                people[v.person_id],
                v.entrance_id,
                v.trip_id,
                v.channel,
                v.status,
                v.proven,
                v.checkout_method,
                visits.get(v.companion_of),
                round((v.checked_out_at - v.checked_in_at).total_seconds() / 60),
            )
            for v in Visit.objects.order_by("pk")
        ],
        "declarations": [
            (people[d.person_id], d.status, d.proven, d.answers) for d in Declaration.objects.order_by("pk")
        ],
        "replays": sorted((str(r.client_id), r.actor) for r in CheckinReplay.objects.all()),
        "audit": sorted((a.action, a.object_type, a.purpose) for a in AuditEntry.objects.filter(pk__gt=audit_since)),
    }


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=14), sizes=st.lists(st.integers(1, 6), min_size=1, max_size=4))
def test_the_front_and_django_give_the_same_answers_and_rows(venue, other_venue, token, ops, sizes):
    requests = requests_for(ops, [venue.code, other_venue.code])
    since = reset()
    reference = normal(through_django(requests, token))
    reference_rows = rows(since)
    since = reset()
    front = normal(through_front(requests, token, sizes))
    assert front == reference
    assert rows(since) == reference_rows
