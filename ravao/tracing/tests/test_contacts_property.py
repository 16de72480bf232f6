"""The contact engine against a brute-force evaluation of the written rules (docs/tracing.md).

Random visits at places, an event and bus trips — some checked out by hand, some automatically,
many across midnight, the case's own visits sometimes overlapping — and a random infectious
window and buffer; F1 and F2 must be the same people, with the same exposures (one per contact
visit, with every case or F1 visit within reach), overlaps, degrees and order. Overlaps are
measured the literal way: the time covered by some piece ``W ∩ V``, second by elementary segment
between all the pieces' ends; and the property that no total exceeds the time the contact was
there is checked on every example. The paged second hop
(``second_degree.page``: SQL on PostgreSQL) must give the same F2 slice and count, and the streamed one
(``second_degree.stream``, exports) the whole F2 list. Runs on SQLite and PostgreSQL.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ravao.tracing import second_degree as hop2
from ravao.tracing.contacts import trace
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world

N_PEOPLE = 7
HORIZON_MIN = 36 * 60

visit_st = st.tuples(
    st.integers(0, N_PEOPLE - 1),  # person
    st.integers(0, 6),  # spot (venue, trip)
    # Check-in, minutes after BASE, on a coarse grid so that boundaries (W.in == V.out + buffer)
    # are hit often; plus seconds, so that flooring the overlap matters.
    st.integers(0, HORIZON_MIN // 30).map(lambda q: q * 30),
    st.sampled_from([0, 0, 0, 30, 59]),
    st.one_of(st.none(), st.integers(0, 20 * 2).map(lambda q: q * 30)),  # None: automatic check-out
)


def brute_force(visits, *, case_person, window_from, window_to, buffer, degree):
    """The rules, literally, over every pair of visits."""

    def same_place(v, w):
        return w["trip"] == v["trip"] if v["trip"] is not None else w["venue"] == v["venue"]

    def exposed(v, w):
        return same_place(v, w) and w["in"] < v["out"] + buffer and w["out"] > v["in"] - buffer

    def contacts_of(probes, excluded):
        """person -> [(source ids, visit id, overlap, visit in)]: one exposure per visit W."""
        pairs = {}
        for v in probes:
            for w in visits:
                if w["person"] not in excluded and exposed(v, w):
                    pairs.setdefault(w["person"], {}).setdefault(w["id"], (w, []))[1].append(v)
        found = {}
        for person, by_visit in pairs.items():
            found[person] = [
                (
                    tuple(v["id"] for v in sorted(vs, key=lambda v: (v["in"], v["id"]))),
                    w["id"],
                    covered_minutes([piece(v, w) for v in vs]),
                    w["in"],
                    [piece(v, w) for v in vs],
                )
                for w, vs in by_visit.values()
            ]
        return found

    case_visits = [v for v in visits if v["person"] == case_person and v["in"] < window_to and v["out"] > window_from]
    f1 = contacts_of(case_visits, {case_person})
    result = {p: (1, ex) for p, ex in f1.items()}
    if degree == 2:
        probes = []
        for p, ex in f1.items():
            first = min(e[3] for e in ex)
            probes += [v for v in visits if v["person"] == p and v["in"] >= first]
        for p, ex in contacts_of(probes, {case_person, *f1}).items():
            result[p] = (2, ex)

    def total(ex):
        return covered_minutes([pc for e in ex for pc in e[4]])

    ranked = sorted(result.items(), key=lambda kv: (kv[1][0], -total(kv[1][1]), min(e[3] for e in kv[1][1]), kv[0]))
    return [v["id"] for v in case_visits], [
        (p, d, total(ex), sorted((e[0], e[1], e[2]) for e in ex)) for p, (d, ex) in ranked
    ]


def minutes_of(visit):
    return int((visit.checked_out_at - visit.checked_in_at).total_seconds() // 60)


def piece(v, w):
    """The part of W spent with V (possibly empty)."""
    return max(v["in"], w["in"]), min(v["out"], w["out"])


def covered_minutes(pieces):
    """The time covered by at least one piece, floored to the minute: every elementary segment
    between consecutive ends of any piece, counted when a piece contains it."""
    pieces = [(lo, hi) for lo, hi in pieces if hi > lo]
    ends = sorted({t for pc in pieces for t in pc})
    covered = sum(
        ((b - a) for a, b in zip(ends, ends[1:], strict=False) if any(lo <= a and b <= hi for lo, hi in pieces)),
        timedelta(),
    )
    return int(covered.total_seconds() // 60)


def summary(contacts):
    return [
        (
            c.person_id,
            c.degree,
            c.total_overlap_minutes,
            sorted((tuple(s.id for s in e.sources), e.visit.id, e.overlap_minutes) for e in c.exposures),
        )
        for c in contacts
    ]


@pytest.mark.django_db(transaction=False)
def test_it_matches_a_brute_force_evaluation_of_the_rules(small_map):
    from django.core.cache import cache

    cache.clear()  # the engine's memo of the longest stay must be this world's, not an earlier test's
    spots = make_world(small_map.commune_a)
    people = [make_person(f"Người {i}") for i in range(N_PEOPLE)]
    # Two companions: a child checked in with person 1, the way the gate does it.
    people[5].guardian = people[1]
    people[5].save()
    seen = {"shared": 0}  # examples with a visit within reach of several case (or F1) visits

    # No shrinking: a failure is reported as generated (shrinking against a database is slow).
    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        raw=st.lists(visit_st, min_size=10, max_size=40),
        case_visits=st.lists(
            st.tuples(
                st.integers(0, 6),
                st.integers(0, HORIZON_MIN // 30).map(lambda q: q * 30),
                st.one_of(st.none(), st.integers(1, 20).map(lambda q: q * 30)),
            ),
            min_size=1,
            max_size=4,
        ),
        window=st.tuples(st.integers(-20, HORIZON_MIN // 30).map(lambda q: q * 30), st.integers(1, HORIZON_MIN)),
        buffer_minutes=st.sampled_from([0, 15, 60]),
        degree=st.sampled_from([1, 2]),
        f2_page=st.tuples(st.integers(0, 6), st.integers(1, 4)),  # offset, limit
        # Visits placed exactly at (or a second off) the edges of a case visit +- the buffer.
        edges=st.lists(
            st.tuples(
                st.integers(1, N_PEOPLE - 1),
                st.integers(0, 3),
                st.booleans(),
                st.sampled_from([-1, 0, 1]),
                st.integers(1, 120),
            ),
            max_size=4,
        ),
    )
    def check(raw, case_visits, window, buffer_minutes, degree, f2_page, edges):
        with transaction.atomic():
            rows = [(0, s, m, 0, d) for s, m, d in case_visits] + list(raw)
            buffer = timedelta(minutes=buffer_minutes)
            for person, index, after, delta, stay in edges:
                spot, minute, case_stay = case_visits[index % len(case_visits)]
                v_in = timedelta(minutes=minute)
                v_out = v_in + timedelta(
                    minutes=case_stay if case_stay is not None else spots[spot][0].default_stay_minutes
                )
                w_in = (v_out + buffer if after else v_in - buffer - timedelta(minutes=stay)) + timedelta(seconds=delta)
                if w_in >= timedelta(0):
                    rows.append((person, spot, w_in.total_seconds() / 60, 0, stay))
            visits = []
            for person, spot, minute, second, stay in rows:
                venue, trip = spots[spot]
                start = BASE + timedelta(minutes=minute, seconds=second)
                v = make_visit(people[person], venue, start, stay, trip=trip)
                visits.append(
                    {
                        "id": v.id,
                        "person": people[person].id,
                        "venue": venue.id,
                        "trip": trip.id if trip else None,
                        "in": v.checked_in_at,
                        "out": v.checked_out_at,
                    }
                )
            window_from = BASE + timedelta(minutes=window[0])
            window_to = window_from + timedelta(minutes=window[1])
            expected_visits, expected = brute_force(
                visits,
                case_person=people[0].id,
                window_from=window_from,
                window_to=window_to,
                buffer=timedelta(minutes=buffer_minutes),
                degree=degree,
            )
            got = trace(
                person_id=people[0].id,
                window_from=window_from,
                window_to=window_to,
                buffer_minutes=buffer_minutes,
                degree=degree,
            )
            assert [v.id for v in got.case_visits] == sorted(
                expected_visits, key=lambda i: next((x["in"], x["id"]) for x in visits if x["id"] == i)
            )
            assert summary(got.contacts) == expected
            # Never more than the contact was there (the union of their exposed visits).
            for c in got.contacts:
                there = covered_minutes([(e.visit.checked_in_at, e.visit.checked_out_at) for e in c.exposures])
                assert c.total_overlap_minutes <= there
                assert all(e.overlap_minutes <= minutes_of(e.visit) for e in c.exposures)
                seen["shared"] += any(len(e.sources) > 1 for e in c.exposures)
            if degree == 2:
                f1 = {c.person_id: c for c in got.contacts if c.degree == 1}
                f2 = [x for x in expected if x[1] == 2]
                offset, limit = f2_page
                page = hop2.page(
                    case_person_id=people[0].id, f1=f1, buffer_minutes=buffer_minutes, offset=offset, limit=limit
                )
                assert (page.count, page.all_count) == (len(f2), len(f2))
                assert summary(page.contacts) == f2[offset : offset + limit]
                streamed = hop2.stream(case_person_id=people[0].id, f1=f1, buffer_minutes=buffer_minutes)
                assert summary(streamed) == f2
            transaction.set_rollback(True)

    check()
    # The examples exercise the rule that changed: one line, one time, for several sources.
    # How many examples do so varies with what ran before on the same test worker (3 to 10+ of
    # 60 seen in full runs; not yet explained, see the issue note): at least some must.
    assert seen["shared"] >= 2, seen
