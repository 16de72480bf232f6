"""The contact rules on hand-made examples: boundaries, floors, trips, events, companions, F2."""

from datetime import timedelta

import pytest

from ravao.tracing.contacts import trace
from ravao.tracing.tests.factories import BASE, make_person, make_visit, make_world

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture
def world(small_map):
    spots = make_world(small_map.commune_a)
    people = [make_person(f"Người {i}") for i in range(6)]
    return spots, people


def run(case, **kw):
    kw.setdefault("buffer_minutes", 60)
    return trace(person_id=case.id, window_from=BASE - 24 * H, window_to=BASE + 48 * H, **kw)


def test_it_uses_strict_inequalities_at_both_edges_of_the_buffer(world):
    (cafe, _), *_ = world[0]
    case, early_edge, early_in, late_edge, late_in, _ = world[1]
    make_visit(case, cafe, BASE, 60)  # V: 0:00-1:00, buffer 60 → W must end after -1:00, start before 2:00
    make_visit(early_edge, cafe, BASE - 2 * H, 60)  # ends exactly at V.in - buffer: not an exposure
    make_visit(early_in, cafe, BASE - 2 * H, 61)  # ends a minute later: exposure, 0 minutes of overlap
    make_visit(late_edge, cafe, BASE + 2 * H, 30)  # starts exactly at V.out + buffer: not an exposure
    make_visit(late_in, cafe, BASE + 2 * H - timedelta(seconds=1), 30)
    got = {c.person_id: c.total_overlap_minutes for c in run(case).contacts}
    assert got == {early_in.id: 0, late_in.id: 0}


def test_it_floors_overlap_minutes_and_ranks_by_total_then_earliest(world):
    (cafe, _), (shop, _), *_ = world[0]
    case, a, b, c, *_ = world[1]
    make_visit(case, cafe, BASE, 60)
    make_visit(case, shop, BASE + 3 * H, 60)
    make_visit(a, cafe, BASE + 30 * M + timedelta(seconds=30), 30)  # 29 min 30 s → 29
    make_visit(b, shop, BASE + 3 * H, 29)  # 29 min, but later than a
    make_visit(c, cafe, BASE + 15 * M, 45)
    make_visit(c, shop, BASE + 3 * H + 50 * M, 60)  # 45 + 10 = 55
    got = [(x.person_id, x.total_overlap_minutes) for x in run(case).contacts]
    assert got == [(c.id, 55), (a.id, 29), (b.id, 29)]


def test_it_matches_trips_and_not_other_trips_of_the_same_bus(world):
    spots, (case, same_trip, other_trip, no_trip, *_) = world
    bus, trip1 = spots[5][0], spots[5][1]
    trip2 = spots[6][1]
    make_visit(case, bus, BASE, 40, trip=trip1)
    make_visit(same_trip, bus, BASE + 10 * M, 20, trip=trip1)
    make_visit(other_trip, bus, BASE + 10 * M, 20, trip=trip2)
    make_visit(no_trip, bus, BASE + 10 * M, 20)
    contacts = run(case).contacts
    assert [c.person_id for c in contacts] == [same_trip.id]


def test_it_counts_companions_and_never_the_case(world):
    (cafe, _), *_ = world[0]
    case, guardian, *_ = world[1]
    child = make_person("Bé", guardian=guardian)
    make_visit(case, cafe, BASE, 60)
    make_visit(case, cafe, BASE + 10 * M, 60)  # the case twice at the same place: not a contact of itself
    visit = make_visit(guardian, cafe, BASE, 30)
    make_visit(child, cafe, BASE, 30, companion_of=visit.id)
    assert sorted(c.person_id for c in run(case).contacts) == sorted([guardian.id, child.id])


def test_it_ignores_case_visits_outside_the_infectious_window(world):
    (cafe, _), *_ = world[0]
    case, a, *_ = world[1]
    make_visit(case, cafe, BASE, 60)
    make_visit(a, cafe, BASE, 60)
    got = trace(person_id=case.id, window_from=BASE + H, window_to=BASE + 5 * H, buffer_minutes=60)
    assert got.contacts == [] and got.case_visits == []


def test_it_traces_f2_from_visits_after_the_first_exposure_without_repeating_f1(world):
    (cafe, _), (shop, _), (bar, _), *_ = world[0]
    case, f1, f2, before, also_f1, _ = world[1]
    make_visit(case, cafe, BASE, 60)
    make_visit(f1, cafe, BASE, 60)
    make_visit(also_f1, cafe, BASE, 60)
    make_visit(f1, bar, BASE - 10 * H, 60)  # before f1's exposure: not traced
    make_visit(before, bar, BASE - 10 * H, 60)
    make_visit(f1, shop, BASE + 5 * H, 60)
    make_visit(f2, shop, BASE + 5 * H, 60)
    make_visit(also_f1, shop, BASE + 5 * H, 60)  # already degree 1
    make_visit(case, shop, BASE + 30 * H, 60)  # the case later at the shop: never F2
    got = [(c.person_id, c.degree, c.via_person_ids) for c in run(case, degree=2).contacts]
    # f1 and also_f1 tie on overlap and time: the lower person id first.
    assert got == [(f1.id, 1, [case.id]), (also_f1.id, 1, [case.id]), (f2.id, 2, sorted([f1.id, also_f1.id]))]
    assert [c.degree for c in run(case, degree=1).contacts] == [1, 1]


def test_it_uses_one_query_for_f1_of_a_case_with_twenty_visits(world, django_assert_max_num_queries):
    spots, (case, a, *_) = world
    for i in range(20):
        venue, trip = spots[i % 5]
        make_visit(case, venue, BASE + i * 2 * H, 60, trip=trip)
        make_visit(a, venue, BASE + i * 2 * H, 30, trip=trip)
    run(case)  # warms the cached maximum stay
    with django_assert_max_num_queries(2):  # the case's visits, then their exposures
        result = run(case)
    assert result.contacts[0].total_overlap_minutes == 600


def test_it_looks_back_as_far_as_the_longest_default_stay(world, small_map):
    from django.core.cache import cache

    from ravao.tracing.contacts import MAX_STAY_CACHE_KEY
    from ravao.venues.testing import make_venue

    cache.delete(MAX_STAY_CACHE_KEY)
    ward = make_venue(small_map.commune_a, "Khoa nội trú", default_stay_minutes=72 * 60)
    case, patient, *_ = world[1]
    make_visit(patient, ward, BASE - 48 * H)  # automatic check-out three days later
    make_visit(case, ward, BASE, 30)
    try:
        assert [c.person_id for c in run(case).contacts] == [patient.id]
    finally:
        cache.delete(MAX_STAY_CACHE_KEY)
