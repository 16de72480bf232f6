"""The second hop (``second_degree.page`` and ``second_degree.stream``: SQL on PostgreSQL, the Python engine on
SQLite) against a brute-force evaluation of rule 7 and the display filters (docs/tracing.md).

Two F1 people are made certain (they share a case visit), the others may become F1 or F2 by
chance; visits are placed exactly on (and a second off) the buffer edges of the F1 people's
later visits, and just before their first exposure, where F2 is decided. Random display
filters (venue type, kind, minimum overlap) and a random page: the page must be that slice of
the brute-force ranking, with the same counts; the stream the whole filtered list. Overlaps are
times covered by the pieces ``W ∩ X`` (rules 4–5), measured segment by segment.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ravao.tracing import second_degree as hop2
from ravao.tracing.contacts import trace
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world

N_PEOPLE = 12
HORIZON_MIN = 30 * 60
SPOT_KIND = ["venue", "venue", "venue", "event", "venue", "trip", "trip"]  # of make_world's spots

minute_st = st.integers(0, HORIZON_MIN // 30).map(lambda q: q * 30)
stay_st = st.one_of(st.none(), st.integers(1, 12).map(lambda q: q * 30))  # None: automatic check-out


def brute_f2(visits, *, case_person, window_from, window_to, buffer, filters, types):
    """Rule 7 and the display filters, literally, over every pair of visits."""

    def exposed(v, w):
        same = w["trip"] == v["trip"] if v["trip"] is not None else w["venue"] == v["venue"]
        return same and w["in"] < v["out"] + buffer and w["out"] > v["in"] - buffer

    def contacts_of(probes, excluded):
        """person -> [(sources, visit)]: one exposure per visit W, with every probe within reach."""
        found = {}
        for v in probes:
            for w in visits:
                if w["person"] not in excluded and exposed(v, w):
                    found.setdefault(w["person"], {}).setdefault(w["id"], (w, []))[1].append(v)
        return {p: [(vs, w) for w, vs in ex.values()] for p, ex in found.items()}

    def overlap(ex):
        return covered_minutes([piece(v, w) for vs, w in ex for v in vs])

    case_visits = [v for v in visits if v["person"] == case_person and v["in"] < window_to and v["out"] > window_from]
    f1 = contacts_of(case_visits, {case_person})
    probes = [v for p, ex in f1.items() for v in visits if v["person"] == p and v["in"] >= min(w["in"] for _, w in ex)]
    f2 = contacts_of(probes, {case_person, *f1})
    ranked = sorted(f2.items(), key=lambda kv: (-overlap(kv[1]), min(w["in"] for _, w in kv[1]), kv[0]))

    def kind(v):
        return "trip" if v["trip"] is not None else SPOT_KIND[v["spot"]]

    kept = []
    for person, ex in ranked:
        # The filters keep the exposures at venues of the type, with only the probes of the kind.
        ex = [
            ([v for v in vs if not filters.kind or kind(v) == filters.kind], w)
            for vs, w in ex
            if not filters.venue_type or types[w["venue"]] == filters.venue_type
        ]
        ex = [(vs, w) for vs, w in ex if vs]
        if ex and overlap(ex) >= filters.min_overlap_minutes:
            kept.append(
                (
                    person,
                    2,
                    overlap(ex),
                    sorted(
                        (
                            tuple(v["id"] for v in sorted(vs, key=lambda v: (v["in"], v["id"]))),
                            w["id"],
                            overlap([(vs, w)]),
                        )
                        for vs, w in ex
                    ),
                )
            )
    return kept, len(ranked)


def piece(v, w):
    return max(v["in"], w["in"]), min(v["out"], w["out"])


def covered_minutes(pieces):
    """The time covered by at least one piece, floored to the minute (elementary segments)."""
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
def test_the_second_hop_matches_a_brute_force_evaluation(small_map):
    spots = make_world(small_map.commune_a)
    types = {venue.id: venue.venue_type.code for venue, _ in spots}
    people = [make_person(f"Người {i}") for i in range(N_PEOPLE)]
    seen = {"f2": 0, "paged": 0}

    @settings(
        max_examples=110,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        case_visit=st.tuples(st.integers(0, 6), minute_st.filter(lambda m: m < 6 * 60)),
        # How long F1 person 2 stays at the case's place (past the case's visit: a probe too).
        exposed_stay=st.sampled_from([30, 150, 240]),
        # Later visits of the two certain F1 people (1, 2): the probes.
        f1_visits=st.lists(st.tuples(st.integers(1, 2), st.integers(0, 6), minute_st, stay_st), min_size=1, max_size=6),
        raw=st.lists(
            st.tuples(st.integers(3, N_PEOPLE - 1), st.integers(0, 6), minute_st, stay_st), min_size=4, max_size=25
        ),
        # (person, which probe, after its end or before its start, seconds off, stay)
        edges=st.lists(
            st.tuples(
                st.integers(3, N_PEOPLE - 1),
                st.integers(0, 5),
                st.booleans(),
                st.sampled_from([-1, 0, 1]),
                st.integers(1, 90),
            ),
            min_size=2,
            max_size=8,
        ),
        buffer_minutes=st.sampled_from([0, 15, 60]),
        filters=st.tuples(
            st.sampled_from(["", "", "", "restaurant", "wedding", "bus"]),
            st.sampled_from(["", "", "", "venue", "trip", "event"]),
            st.sampled_from([0, 0, 0, 10, 45]),
        ),
        page=st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(1, 2))),
    )
    def check(case_visit, exposed_stay, f1_visits, raw, edges, buffer_minutes, filters, page):
        with transaction.atomic():
            buffer = timedelta(minutes=buffer_minutes)
            spot, minute = case_visit
            probes = [(2, spot, minute + 10, exposed_stay)] + [(p, s, minute + 60 + m, st) for p, s, m, st in f1_visits]
            rows = [(0, spot, minute, 0, 60), (1, spot, minute, 0, 60)] + [(p, s, m, 0, st) for p, s, m, st in probes]
            for person, index, after, delta, stay in edges:
                p, s, m, probe_stay = probes[index % len(probes)]
                x_in = timedelta(minutes=m)
                x_out = x_in + timedelta(
                    minutes=probe_stay if probe_stay is not None else spots[s][0].default_stay_minutes
                )
                w_in = (x_out + buffer if after else x_in - buffer - timedelta(minutes=stay)) + timedelta(seconds=delta)
                rows.append((person, s, w_in.total_seconds() / 60, 0, stay))
            rows += [(p, s, m, 0, stay) for p, s, m, stay in raw]
            visits = []
            for person, s, minute_at, second_at, stay in rows:
                venue, trip = spots[s]
                v = make_visit(
                    people[person], venue, BASE + timedelta(minutes=minute_at, seconds=second_at), stay, trip=trip
                )
                visits.append(
                    {
                        "id": v.id,
                        "person": people[person].id,
                        "venue": venue.id,
                        "spot": s,
                        "trip": trip.id if trip else None,
                        "in": v.checked_in_at,
                        "out": v.checked_out_at,
                    }
                )
            window_from, window_to = BASE - timedelta(hours=1), BASE + timedelta(hours=7)
            f = hop2.Filters(venue_type=filters[0], kind=filters[1], min_overlap_minutes=filters[2])
            expected, all_count = brute_f2(
                visits,
                case_person=people[0].id,
                window_from=window_from,
                window_to=window_to,
                buffer=buffer,
                filters=f,
                types=types,
            )
            f1 = {
                c.person_id: c
                for c in trace(
                    person_id=people[0].id, window_from=window_from, window_to=window_to, buffer_minutes=buffer_minutes
                ).contacts
            }
            offset, limit = page
            got = hop2.page(
                case_person_id=people[0].id, f1=f1, buffer_minutes=buffer_minutes, filters=f, offset=offset, limit=limit
            )
            assert (got.count, got.all_count) == (len(expected), all_count)
            end = None if limit is None else offset + limit
            assert summary(got.contacts) == expected[offset:end]
            streamed = hop2.stream(case_person_id=people[0].id, f1=f1, buffer_minutes=buffer_minutes, filters=f)
            assert summary(streamed) == expected
            seen["f2"] += bool(expected)
            seen["paged"] += bool(got.contacts) and len(got.contacts) < len(expected)
            transaction.set_rollback(True)

    check()
    # The examples exercise the second hop (not only empty lists).
    assert seen["f2"] >= 20 and seen["paged"] >= 4, seen
