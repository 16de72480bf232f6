"""Schemathesis over the whole OpenAPI document: every operation, generated requests, no 5xx.

    .venv/bin/python bench/fuzz_api.py --examples 270          # make fuzz: ≥ 10,000 cases
    .venv/bin/python bench/fuzz_api.py --examples 20           # the bounded run in .ci/run

It builds a scratch database (SQLite in a temporary folder, or ``--database-url``), loads the
2025 map and a small demo-like fixture — one account per role, venues with gate staff, people,
visits and an open case, an API token each — then calls the WSGI application in-process for
every case that schemathesis generates from ``/api/v1/openapi.json``. About half of the cases of
operations that take a venue, a case or a QR text get real ones (a real venue code, a signed
poster URL, a personal QR, a phone number on record), so that check-ins, scans and tracing are
reached beyond their first "not found". Each request carries the token of the role the
operation is for. The run fails (exit 1) on any answer ≥ 500, printed with a curl line.
"""

import argparse
import logging
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str | None, data_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ravao.settings",
            "RAVAO_DATA_DIR": data_dir,
            "RAVAO_DEMO": "1",  # derived keys on synthetic data
            "RAVAO_DEBUG": "0",
            # Rate limits would answer 429 to most generated check-ins: the fuzz wants the code behind.
            "RAVAO_CHECKIN_RATE_LIMIT": "100000000",
            "RAVAO_SCAN_RATE_LIMIT": "100000000",
            "RAVAO_LOG_LEVEL": "CRITICAL",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)


def build_fixture() -> dict:
    """A small world every operation can find something in (returns the real values to inject)."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from ravao.accounts.models import Role
    from ravao.accounts.services import token_issue
    from ravao.codes.signing import person_qr_text, venue_qr_url
    from ravao.testing import make_user
    from ravao.tracing.services import case_open
    from ravao.tracing.tests.factories import make_person, make_visit
    from ravao.units.models import Unit
    from ravao.venues.models import Entrance, VenueMembership
    from ravao.venues.testing import make_venue

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loadunits", generation="2025", verbosity=0)
    province = Unit.objects.filter(generation="2025", depth=1).order_by("code").first()
    commune = Unit.objects.filter(generation="2025", path__startswith=province.path, depth=2).order_by("code").first()
    users = {
        "admin": make_user("fz_admin", Role.NATIONAL_ADMIN),
        "province": make_user("fz_province", Role.PROVINCE_OFFICIAL, province),
        "tracer": make_user("fz_tracer", Role.TRACER, province),
        "auditor": make_user("fz_auditor", Role.AUDITOR, province),
        "manager": make_user("fz_manager", Role.VENUE_MANAGER),
        "staff": make_user("fz_staff", Role.GATE_STAFF),
    }
    venues = [
        make_venue(commune, "Quán Cơm Bà Lan"),
        make_venue(commune, "Nhà thuốc", "pharmacy"),
        make_venue(commune, "Xe buýt 12", "bus", plate="75B-012.34"),
    ]
    for venue in venues:
        VenueMembership.objects.create(user=users["staff"], venue=venue, role="staff")
        VenueMembership.objects.create(user=users["manager"], venue=venue, role="manager")
    entrance = Entrance.objects.create(venue=venues[0], name="Cổng chính")
    now = timezone.now()
    people = [
        make_person(f"Nguyễn Văn {i}", phone=f"09123456{i:02d}", id_number=f"0460900012{i:02d}", unit=commune)
        for i in range(5)
    ]
    for i, person in enumerate(people):
        make_visit(person, venues[i % 2], now - timedelta(hours=2 + i), 60)
    case = case_open(
        user=users["tracer"], phone="0912345600", infectious_from=now - timedelta(days=3), infectious_to=now
    )
    return {
        "tokens": {role: token_issue(user=user, name="fuzz") for role, user in users.items()},
        "venue_codes": [v.code for v in venues],
        "venue_urls": [venue_qr_url(venue=venues[0]), venue_qr_url(venue=venues[0], entrance=entrance)],
        "person_qr": [person_qr_text(person=p) for p in people],
        "phones": [f"09123456{i:02d}" for i in range(5)],
        "case_ids": [case.pk],
        "person_ids": [p.pk for p in people],
        "entrance_ids": [entrance.pk],
    }


def role_for(path: str) -> str:
    if path.startswith(("/api/v1/scans", "/api/v1/venues/{code}/inside")):
        return "staff"
    if path.startswith(("/api/v1/cases", "/api/v1/exposure-windows")):
        return "tracer"
    if path.startswith("/api/v1/audit"):
        return "auditor"
    if path.startswith("/api/v1/venues"):
        return random.choice(["manager", "province", "admin"])
    return random.choice(["admin", "province"])


def inject(case, real: dict, rnd: random.Random) -> None:
    """Half of the time, put real values where the schema only knows "a string"/"an integer"."""
    if rnd.random() < 0.5:
        return
    params = case.path_parameters or {}
    if "code" in params:
        params["code"] = rnd.choice(real["venue_codes"])
    if "case_id" in params:
        params["case_id"] = rnd.choice(real["case_ids"])
    if "person_id" in params:
        params["person_id"] = rnd.choice(real["person_ids"])
    if "entrance_id" in params:
        params["entrance_id"] = rnd.choice(real["entrance_ids"])
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if "venue" in body:
        body["venue"] = rnd.choice(real["venue_codes"])
    if "venue_qr" in body:
        body["venue_qr"] = rnd.choice(real["venue_urls"] + [""])
        if body["venue_qr"]:
            body["venue"] = ""
    if "text" in body:
        body["text"] = rnd.choice(real["person_qr"] + real["phones"] + real["venue_urls"])
        body.setdefault("birth_year", 1990)
    if "client_id" in body:
        body["client_id"] = str(uuid.UUID(int=rnd.getrandbits(128)))
    if isinstance(body.get("person"), dict) and rnd.random() < 0.5:
        body["person"]["phone"] = rnd.choice(real["phones"])
    if "case_id" in body and body["case_id"] is not None:
        body["case_id"] = rnd.choice(real["case_ids"])


def fuzz_operation(operation, examples: int, real: dict, rnd: random.Random, stats: Counter, errors: list) -> None:
    from hypothesis import HealthCheck, Phase, given, settings

    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def test(case):
        inject(case, real, rnd)
        token = real["tokens"][role_for(operation.path)]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        stats["cases"] += 1
        stats[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            errors.append(
                f"{label} -> {response.status_code}\n    {case.as_curl_command({'Authorization': 'Bearer …'})}"
            )

    test()


def run(examples: int, seed: int) -> int:
    import schemathesis

    from ravao.wsgi import application

    # 4xx answers are what the fuzz expects: only server errors are worth a line (and a traceback).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    real = build_fixture()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    rnd = random.Random(seed)
    random.seed(seed)
    stats: Counter = Counter()
    errors: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        before = stats["cases"]
        fuzz_operation(operation, examples, real, rnd, stats, errors)
        print(f"{stats['cases'] - before:6d}  {operation.method.upper()} {operation.path}", flush=True)
    elapsed = time.monotonic() - started
    print(
        f"\n{stats['cases']} cases over {len(list(schema.get_all_operations()))} operations in {elapsed:.0f} s: "
        + ", ".join(f"{k}: {v}" for k, v in sorted((k, v) for k, v in stats.items() if k != "cases"))
        + f"; server errors: {len(errors)}"
    )
    for line in errors[:50]:
        print(line)
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=270, help="generated cases per operation (at most)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="an empty database (default: scratch SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ravao-fuzz-") as tmp:
        configure(args.database_url, tmp)
        import django

        django.setup()
        sys.exit(run(args.examples, args.seed))


if __name__ == "__main__":
    main()
