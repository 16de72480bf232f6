"""The incremental rollup: visits arriving in batches (late uploads for older days, a new day,
ids that become visible out of order, check-outs) give the brute-force figures and exactly the
aggregate rows of a full re-roll."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from ravao.checkins.models import Visit
from ravao.oversight.incremental import next_gaps
from ravao.oversight.models import PresenceDay, RangeVisitors, RollupState, UnitDay, VenueDay
from ravao.oversight.rollup import rollup
from ravao.oversight.tests.factories import DAYS, END_DAY, add_visits, make_random_data
from ravao.oversight.tests.test_indicators import PERIODS, check, selectors_now
from ravao.people.models import Person

FIRST_DAY = END_DAY - timedelta(days=DAYS - 1)


def tables() -> dict:
    """Every aggregate row that the figures come from, comparable across runs."""
    return {
        "venueday": sorted(
            VenueDay.objects.values_list(
                "venue_id", "day", "unit_id", "sector_id", "scans", "visitors", "first_scan_at", "last_scan_at"
            )
        ),
        "presence": sorted(PresenceDay.objects.values_list("day", "unit_id", "sector_id", "person_id")),
        "unitday": sorted(
            UnitDay.objects.values_list(
                "generation", "unit_id", "sector_id", "day", "scans", "visitors", "active_24h", "active_7d"
            ),
            key=repr,
        ),
        "ranges": sorted(
            RangeVisitors.objects.filter(visitors__isnull=False)
            .values_list("generation", "unit_id", "sector_id", "first_day", "last_day", "visitors")
            .distinct(),
            key=repr,
        ),
    }


def same_as_full_reroll(now) -> None:
    before = tables()
    rollup(since=FIRST_DAY - timedelta(days=1), now=now)
    after = tables()
    for name in before:
        assert before[name] == after[name], name


def check_all(users, m, periods=PERIODS) -> None:
    national = users["national"]
    for first, last in periods:
        check(national, None, "2025", first, last)
        check(national, m.province, "2025", first, last)
        check(national, None, "legacy", first, last)
        check(national, m.legacy_province, "legacy", first, last)


@pytest.mark.parametrize("seed", [11, 12])
def test_batches_with_late_uploads_give_the_figures_of_a_full_reroll(small_map, users, seed):
    venues = make_random_data(small_map, seed=seed, visits=150)
    persons = list(Person.objects.all())
    now = selectors_now()
    rollup(now=now)
    for k in range(1, 5):
        # Mostly yesterday and today, some for days ago (an offline gate uploading late).
        add_visits(
            seed=seed * 10 + k,
            venues=venues,
            persons=persons,
            visits=40,
            first_day=END_DAY - timedelta(days=1),
            last_day=END_DAY + timedelta(days=1),
        )
        add_visits(seed=seed * 20 + k, venues=venues, persons=persons, visits=10, first_day=FIRST_DAY, last_day=END_DAY)
        result = rollup(now=now + timedelta(minutes=k))
        assert result["days"] == 0 and result["visits"] == 50  # no whole day re-rolled
        today = END_DAY + timedelta(days=1)
        check_all(users, small_map, [*PERIODS, (today, today), (today - timedelta(days=6), today)])
    same_as_full_reroll(now + timedelta(minutes=9))


def test_a_new_day_starts_from_the_aggregates(small_map, users):
    venues = make_random_data(small_map, seed=13, visits=150, end_day=END_DAY - timedelta(days=1), days=DAYS - 1)
    persons = list(Person.objects.all())
    evening = selectors_now() - timedelta(days=1, hours=-14)  # END_DAY 23:00
    rollup(now=evening)
    add_visits(seed=131, venues=venues, persons=persons, visits=30, first_day=END_DAY, last_day=END_DAY)
    rollup(now=evening + timedelta(minutes=30))  # 23:30, same day
    add_visits(
        seed=132, venues=venues, persons=persons, visits=30, first_day=END_DAY, last_day=END_DAY + timedelta(days=1)
    )
    rollup(now=evening + timedelta(hours=1, minutes=30))  # 00:30 the next day: a new day, its windows
    today = END_DAY + timedelta(days=1)
    check_all(users, small_map, [(today, today), (today - timedelta(days=6), today), *PERIODS])
    assert RangeVisitors.objects.filter(window=True, last_day=today).exists()
    same_as_full_reroll(evening + timedelta(hours=2))


def test_a_visit_that_becomes_visible_after_a_higher_id_is_counted_once(small_map, users):
    venues = make_random_data(small_map, seed=14, visits=100)
    persons = list(Person.objects.all())
    now = selectors_now()
    rollup(now=now)
    made = add_visits(
        seed=141, venues=venues, persons=persons, visits=30, first_day=END_DAY - timedelta(days=3), last_day=END_DAY
    )
    # The middle one is still in an open transaction at the next run: remove it, put it back after.
    held = Visit.objects.get(id=made[15].id)
    Visit.objects.filter(id=held.id).delete()
    rollup(now=now + timedelta(minutes=1))
    gaps = RollupState.objects.get(name="rollup").gaps
    assert [g[:2] for g in gaps] == [[held.id, held.id]]
    held.save(force_insert=True)  # the same id, committed now
    rollup(now=now + timedelta(minutes=2))
    assert RollupState.objects.get(name="rollup").gaps == []
    check_all(users, small_map)
    rollup(now=now + timedelta(minutes=3))  # nothing new: nothing changes, nothing counted twice
    check_all(users, small_map)
    same_as_full_reroll(now + timedelta(minutes=4))


def test_checkouts_and_quiet_runs_change_nothing(small_map, users):
    make_random_data(small_map, seed=15, visits=120)
    now = selectors_now()
    rollup(now=now)
    before = tables()
    Visit.objects.filter(id__in=list(Visit.objects.values_list("id", flat=True)[:40])).update(
        checked_out_at=now, checkout_method="button"
    )
    rollup(now=now + timedelta(minutes=1))
    assert tables() == before


def test_gaps_split_fill_and_are_given_up_after_the_look_back():
    # Ids 5..9 and 12 were missing; now 6 and 8 show up, 12 is given up (too old).
    gaps = next_gaps([[5, 9, 100.0], [12, 12, 0.0]], holes=[[7, 7]], low=6, high=8, now_s=3700.0, max_age_s=3600)
    assert gaps == [[5, 5, 100.0], [7, 7, 100.0], [9, 9, 100.0]]
    assert next_gaps([[5, 9, 100.0]], holes=[], low=None, high=None, now_s=200.0, max_age_s=3600) == [[5, 9, 100.0]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_open_during_a_run_is_picked_up_by_the_next(small_map, users):
    venues = make_random_data(small_map, seed=16, visits=100)
    persons = list(Person.objects.all())
    now = selectors_now()
    rollup(now=now)
    took_id, commit = threading.Event(), threading.Event()

    def slow_gate():
        try:
            add_visits(seed=161, venues=venues, persons=persons, visits=1, first_day=END_DAY, last_day=END_DAY)
        finally:
            connections.close_all()

    def held_open():
        from django.db import transaction

        try:
            with transaction.atomic():
                add_visits(
                    seed=162,
                    venues=venues,
                    persons=persons,
                    visits=3,
                    first_day=END_DAY - timedelta(days=2),
                    last_day=END_DAY,
                )
                took_id.set()
                commit.wait(30)
        finally:
            connections.close_all()

    t = threading.Thread(target=held_open)
    t.start()
    assert took_id.wait(30)
    g = threading.Thread(target=slow_gate)  # a higher id, committed first
    g.start()
    g.join()
    rollup(now=now + timedelta(minutes=1))
    assert RollupState.objects.get(name="rollup").gaps
    commit.set()
    t.join()
    rollup(now=now + timedelta(minutes=2))
    check_all(users, small_map)
    same_as_full_reroll(now + timedelta(minutes=3))


def test_stock_follows_venue_and_target_changes_without_new_visits(small_map, users):
    from ravao.oversight.models import TargetEstablishment, TargetStatus
    from ravao.venues.models import Venue, VenueStatus

    venues = make_random_data(small_map, seed=17, visits=120)
    now = selectors_now()
    rollup(now=now)
    rollup(now=now + timedelta(minutes=1))  # unchanged: the stock rows are left as they are
    Venue.objects.filter(pk=venues[0].pk).update(status=VenueStatus.SUSPENDED, verified=False)
    Venue.objects.filter(pk=venues[1].pk).update(status=VenueStatus.CLOSED)
    TargetEstablishment.objects.filter(status=TargetStatus.NOT_VISITED).update(
        status=TargetStatus.REGISTERED, venue=venues[2]
    )
    rollup(now=now + timedelta(minutes=2))
    check_all(users, small_map)
