"""Benchmark: time to the full F1 list (and F2) of a case with 20 visits on a simulated province.

    .venv/bin/python bench/tracing.py --database-url postgres://postgres@127.0.0.1:5432/ravao_bench \
        --checkins 10000000 --days 14

Uses the visits already in the database when there are at least ``--checkins`` of them (e.g. made
by ``ravao simulate``); otherwise migrates and generates them with the simulator (COPY into the
daily partitions) in a province of its own. The case is a person of its own with 20 one-hour
visits at the venues (and trips) and times of 20 simulated visits spread over the period, so that
it meets as many people as real busy places would give.

Baseline, measured in the same run: the same candidate rows read by 20 plain indexed range
queries (``venue_id``/``trip_id`` = ? and ``checked_in_at`` in the same bounds), i.e. the cost of
merely fetching the rows; the ratio says what batching, matching and ranking add.

Last two lines: the F2 first page as the API answers it by default (every F1, then the first 100
F2 contacts ranked and counted in SQL: ``ravao.tracing.second_degree``), and F1+F2 in full from the
Python engine (every contact and exposure loaded: the honest "everything" figure; exports read
the same everything through one streamed query).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--checkins", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--venues", type=int, default=5_000)
    p.add_argument("--people", type=int, default=300_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--case-unit", default="", help="build the case from visits at places in this unit (code)")
    return p.parse_args()


def setup(url: str):
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")
    import django

    django.setup()


def ensure_data(args):
    from django.conf import settings
    from django.core.management import call_command

    from ravao.checkins.models import Visit
    from ravao.simulate.generator import Options, Simulation
    from ravao.units.models import Level, Unit

    call_command("migrate", verbosity=0)
    have = Visit.objects.count() if Visit.objects.exists() else 0
    if have >= args.checkins:
        print(f"data: {have:,} visits already in the database")
        return have
    gen = settings.RAVAO_UNIT_GENERATION
    province = Unit.objects.filter(generation=gen, code="46").first()
    if province is None:
        province, _ = Unit.objects.get_or_create(
            generation=gen,
            code="B46",
            defaults=dict(
                name="Bench province", level=Level.PROVINCE, depth=1, path=f"{gen}/B46/", search_key="bench province"
            ),
        )
    per_day = (args.checkins - have) // args.days
    started = time.perf_counter()
    summary = Simulation(
        Options(
            seed=args.seed,
            unit=province,
            venues=args.venues,
            people=args.people,
            days=args.days,
            checkins_per_day=per_day,
        ),
        progress=None,
    ).run()
    print(f"data: {summary.line()} ({time.perf_counter() - started:.0f} s)")
    return Visit.objects.count()


def make_case(n_visits=20, unit_code=""):
    from django.db import connection
    from django.db.models import Max, Min

    from ravao.checkins.models import Channel, Visit
    from ravao.core.crypto import lookup_hash
    from ravao.people.models import Person

    phone = "+84900000020"
    person = Person.objects.filter(phone_hash=lookup_hash(phone)).first()
    if person is None:
        person = Person.objects.create(full_name="Bench case", phone=phone, phone_hash=lookup_hash(phone))
    lo_hi = Visit.objects.aggregate(lo=Min("checked_in_at"), hi=Max("checked_in_at"))
    lo, hi = lo_hi["lo"], lo_hi["hi"]
    Visit.objects.filter(person=person, checked_in_at__gte=lo - timedelta(days=1)).delete()
    step = (hi - lo - timedelta(hours=12)) / n_visits
    made = []
    for i in range(n_visits):
        # The first simulated visit after the i-th point of the period (3 h in: daytime in Vietnam).
        at = lo + step * i + timedelta(hours=3)
        src = Visit.objects.filter(checked_in_at__gte=at, checked_in_at__lt=at + timedelta(hours=2))
        if unit_code:
            src = src.filter(venue__unit__path__startswith=unit_path(unit_code))
        src = src.exclude(person=person).order_by("checked_in_at").values("venue_id", "trip_id", "checked_in_at")[:1]
        src = list(src)
        if not src:
            continue
        s = src[0]
        made.append(
            Visit.objects.create(
                person=person,
                venue_id=s["venue_id"],
                trip_id=s["trip_id"],
                checked_in_at=s["checked_in_at"],
                checked_out_at=s["checked_in_at"] + timedelta(hours=1),
                channel=Channel.IMPORT,
            )
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE checkins_visit" if connection.vendor == "postgresql" else "ANALYZE")
    return person, made, lo - timedelta(days=1), hi + timedelta(days=1)


def unit_path(code: str) -> str:
    from django.conf import settings

    from ravao.units.models import Unit

    return Unit.objects.get(generation=settings.RAVAO_UNIT_GENERATION, code=code).path


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), result


def baseline(case_visits, buffer_minutes=60):
    """The same candidate rows, fetched by one plain indexed range query per case visit."""
    from django.db import connection

    from ravao.tracing.contacts import max_stay

    buf, stay = timedelta(minutes=buffer_minutes), max_stay()
    rows = 0
    with connection.cursor() as cur:
        for v in case_visits:
            col, key = ("trip_id", v.trip_id) if v.trip_id else ("venue_id", v.venue_id)
            cur.execute(
                f"SELECT id, person_id, venue_id, trip_id, checked_in_at, checked_out_at FROM checkins_visit "
                f"WHERE {col} = %s AND checked_in_at >= %s AND checked_in_at < %s AND checked_out_at > %s",
                [key, v.checked_in_at - buf - stay, v.checked_out_at + buf, v.checked_in_at - buf],
            )
            rows += len(cur.fetchall())
    return rows


def explain(case_visits):
    """EXPLAIN ANALYZE of the F1 candidate query: partitions touched, index scans, time in SQL."""
    import re

    from django.db import connection

    from ravao.tracing import contacts

    if connection.vendor != "postgresql":
        return ""
    buf, stay = timedelta(minutes=60), contacts.max_stay()
    probes = [v for v in case_visits if v.trip_id is None]
    sql, params = contacts.values_query(probes, "venue_id", buf, stay)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    scans = re.findall(
        r"(?<!Bitmap )(Index Scan|Bitmap Heap Scan|Seq Scan)\b.* on (checkins_visit_(?:p\d{8}|default)) "
        r".*rows=(\d+) loops=(\d+)",
        plan,
    )
    parts = {s[1] for s in scans}
    executed = sum(int(s[3]) for s in scans)
    nonempty_seq = [s for s in scans if s[0] == "Seq Scan" and int(s[2]) > 0]
    took = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return (
        f"F1 query plan ({len(probes)} venue probes): {len(parts)} partitions in the plan, {executed} partition "
        f"scans executed (run-time pruning; {len(probes) * len(parts)} without), index scans "
        f"{'yes' if 'Index' in plan else 'no'}, sequential scans of non-empty partitions: {len(nonempty_seq)}, "
        f"SQL execution {took.group(1) if took else '?'} ms"
    )


def main():
    args = parse()
    setup(args.database_url)
    import platform

    from django.db import connection

    from ravao.tracing.contacts import case_visits as load_case_visits
    from ravao.tracing.contacts import trace

    total = ensure_data(args)
    person, made, lo, hi = make_case(unit_code=args.case_unit)
    visits = load_case_visits(person_id=person.pk, window_from=lo, window_to=hi)
    print(f"database: {connection.vendor} ({total:,} visits); machine: {platform.node()} {os.cpu_count()} cores")
    print(f"case: {len(visits)} visits ({sum(1 for v in visits if v.trip_id)} on trips)")
    print(explain(visits))
    f1_med, f1_min, r1 = timed(lambda: trace(person_id=person.pk, window_from=lo, window_to=hi, degree=1), args.repeat)
    print(
        f"F1: {len(r1.contacts):,} contacts, {sum(len(c.exposures) for c in r1.contacts):,} exposures: "
        f"median {f1_med:.1f} ms (min {f1_min:.1f})"
    )
    from ravao.tracing import selectors
    from ravao.tracing.models import Case

    case = Case.objects.filter(person=person).first() or Case.objects.create(
        person=person, infectious_from=lo, infectious_to=hi, notes="bench"
    )

    def full_list():
        view = selectors.case_contacts(case=case, degree=1)
        return [selectors.contact_dict(view, c) for c in view.contacts]

    api_med, api_min, listed = timed(full_list, args.repeat)
    print(
        f"F1 as the API answers it (people decrypted, JSON-ready): {len(listed):,} contacts: median {api_med:.1f} ms "
        f"(min {api_min:.1f})"
    )
    base_med, base_min, rows = timed(lambda: baseline(visits), args.repeat)
    print(
        f"baseline (20 plain indexed range queries, {rows:,} rows): median {base_med:.1f} ms (min {base_min:.1f}); "
        f"F1/baseline = {f1_med / base_med:.2f}"
    )

    def f2_first_page():
        # What GET /api/v1/cases/{id}/contacts?degree=2 answers by default: every F1, the first
        # 100 F2 (ranked and counted in SQL on PostgreSQL), people decrypted, JSON-ready.
        view = selectors.case_contacts(case=case, degree=2, f2_limit=100)
        return view, [selectors.contact_dict(view, c) for c in view.contacts]

    p_med, p_min, (view, _listed) = timed(f2_first_page, max(1, args.repeat // 2))
    print(
        f"F2 first page as the API answers it (every F1 + the first 100 of {view.f2_count:,} F2, ranked and counted, "
        f"people decrypted, JSON-ready): median {p_med:.0f} ms (min {p_min:.0f})"
    )
    f2_med, f2_min, r2 = timed(
        lambda: trace(person_id=person.pk, window_from=lo, window_to=hi, degree=2), max(1, args.repeat // 2)
    )
    n2 = sum(1 for c in r2.contacts if c.degree == 2)
    e2 = sum(len(c.exposures) for c in r2.contacts)
    print(
        f"F1+F2: {len(r2.contacts):,} contacts ({n2:,} at degree 2), {e2:,} exposures: median {f2_med:.0f} ms "
        f"(min {f2_min:.0f})"
    )


if __name__ == "__main__":
    main()
