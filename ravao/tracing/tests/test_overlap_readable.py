"""Overlap a tracer can read (issue 18): per contact, the time actually spent with the case — the
union of the overlapping intervals, never more than the contact was there — and one line per
exposure (one per visit of the contact), however many case (or F1) visits are within reach."""

from datetime import timedelta

import pytest

from ravao.tracing import second_degree as hop2
from ravao.tracing.contacts import trace
from ravao.tracing.tests.factories import BASE, make_person, make_visit
from ravao.venues.testing import make_venue

H = timedelta(hours=1)


@pytest.fixture
def market(small_map):
    return make_venue(small_map.commune_a, "Chợ Đông Ba", "market")


def minutes_of(visit) -> int:
    return int((visit.checked_out_at - visit.checked_in_at).total_seconds() // 60)


def test_two_case_visits_at_once_count_the_contacts_time_once(market):
    # The case was scanned in at two entrances ten minutes apart (two open visits at once);
    # the stall holder was there the whole two hours of the infectious window.
    case, holder = make_person("Ca bệnh"), make_person("Chủ sạp")
    make_visit(case, market, BASE, 120)
    make_visit(case, market, BASE + timedelta(minutes=10), 110)
    stall = make_visit(holder, market, BASE, 120)

    (contact,) = trace(person_id=case.id, window_from=BASE, window_to=BASE + 2 * H).contacts
    # Before: 120 + 110 = 230 minutes, more than the 120-minute window and than the visit.
    assert contact.total_overlap_minutes == 120 <= minutes_of(stall)
    assert [e.visit.id for e in contact.exposures] == [stall.id]  # one line, not one per case visit
    assert contact.exposures[0].overlap_minutes == 120


def test_a_visit_within_reach_of_several_case_visits_is_one_line(market):
    case, seller = make_person("Ca bệnh"), make_person("Người bán")
    make_visit(case, market, BASE, 60)
    make_visit(case, market, BASE + 70 * timedelta(minutes=1), 50)  # came back after 10 minutes
    stall = make_visit(seller, market, BASE + timedelta(minutes=30), 60)

    (contact,) = trace(person_id=case.id, window_from=BASE, window_to=BASE + 3 * H).contacts
    assert [e.visit.id for e in contact.exposures] == [stall.id]
    # 30 minutes with the first visit, 20 with the second: 50 of the seller's 60.
    assert contact.total_overlap_minutes == contact.exposures[0].overlap_minutes == 50


def test_an_f2_met_by_three_f1_at_once_spent_the_time_of_their_own_visit(small_map, market):
    shop = make_venue(small_map.commune_a, "Quán cà phê")
    case = make_person("Ca bệnh")
    make_visit(case, shop, BASE, 60)
    f1 = [make_person(f"F1 {i}") for i in range(3)]
    for p in f1:
        make_visit(p, shop, BASE, 60)
        make_visit(p, market, BASE + 3 * H, 120)
    neighbour = make_person("Hàng xóm")
    visit = make_visit(neighbour, market, BASE + 3 * H, 120)

    result = trace(person_id=case.id, window_from=BASE, window_to=BASE + H, degree=2)
    (contact,) = [c for c in result.contacts if c.degree == 2]
    # Before: 3 × 120 = 360 minutes and three lines for one two-hour visit.
    assert contact.total_overlap_minutes == 120 == minutes_of(visit)
    assert [e.visit.id for e in contact.exposures] == [visit.id]
    f1_contacts = {c.person_id: c for c in result.contacts if c.degree == 1}
    for paged in (
        hop2.page(case_person_id=case.id, f1=f1_contacts, buffer_minutes=60).contacts,
        list(hop2.stream(case_person_id=case.id, f1=f1_contacts, buffer_minutes=60)),
    ):
        assert [(c.person_id, c.total_overlap_minutes, len(c.exposures)) for c in paged] == [(neighbour.id, 120, 1)]
