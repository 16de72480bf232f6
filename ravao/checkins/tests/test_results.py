"""The check-in services return what they did (results.CheckinResult), never HTTP or JSON: a
new visit, a repeat, an exit, a replay; the API's answer is made once and kept for replays."""

import dataclasses
import uuid

import pytest

from ravao.checkins import answers
from ravao.checkins.models import Channel, CheckoutMethod, Visit
from ravao.checkins.recording import receipt_time
from ravao.checkins.results import CheckinResult, Shown
from ravao.checkins.services import CompanionInput, PersonInput, checkin_scan, checkin_self
from ravao.checkins.tests.conftest import CCCD_7

GREEN = {"commitment": True, "symptoms": [], "contact_case": False, "contact_symptomatic": False}


def self_checkin(venue, client_id=None, **extra):
    return checkin_self(
        client_id=client_id or uuid.uuid4(),
        code=venue.code,
        person=PersonInput(full_name="Nguyễn Văn An", phone="0912345678", birth_year=1990),
        **extra,
    )


def gate_scan(venue, staff, client_id=None, **extra):
    return checkin_scan(user=staff, client_id=client_id or uuid.uuid4(), venue_code=venue.code, text=CCCD_7, **extra)


def test_a_new_self_check_in_is_a_frozen_result_with_the_visit(venue):
    result = self_checkin(
        venue, declaration=GREEN, companions=[CompanionInput(full_name="Nguyễn Bảo Ngọc", birth_year=2016)]
    )
    assert isinstance(result, CheckinResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.repeat = True
    visit = Visit.objects.get(companion_of__isnull=True)
    assert result.visit.id == visit.id and result.visit.channel == Channel.SELF
    assert result.is_new and not result.repeat and not result.replayed and result.direction == "in"
    assert result.status == "green" and result.venue.code == venue.code
    assert result.person == Shown(masked_name="N. V. An", birth_year=1990)
    assert receipt_time(visit.id, result.receipt) == visit.checked_in_at
    assert result.own and result.holder
    [companion] = result.companions
    assert (
        companion.visit.companion_of == visit.id and companion.person.masked_name == "N. B. Ngọc" and companion.receipt
    )
    assert answers.status_code(result) == 201


def test_a_repeat_from_the_persons_own_device_is_the_same_visit(venue):
    first = self_checkin(venue)
    again = self_checkin(venue, holder=first.holder)
    assert again.repeat and not again.is_new and not again.replayed
    assert again.visit.id == first.visit.id and again.receipt == first.receipt
    assert answers.status_code(again) == 200 and Visit.objects.count() == 1


def test_a_replayed_self_check_in_is_the_first_result_again_and_the_same_answer(venue):
    client_id = uuid.uuid4()
    first = self_checkin(
        venue, client_id, declaration=GREEN, companions=[CompanionInput(full_name="Nguyễn Bảo Ngọc", birth_year=2016)]
    )
    again = self_checkin(
        venue, client_id, declaration=GREEN, companions=[CompanionInput(full_name="Nguyễn Bảo Ngọc", birth_year=2016)]
    )
    assert again.replayed and not first.replayed and not again.is_new
    assert (again.visit.id, again.receipt, again.holder, again.person, again.status) == (
        first.visit.id,
        first.receipt,
        first.holder,
        first.person,
        first.status,
    )
    assert again.visit.checked_in_at == first.visit.checked_in_at
    assert again.visit.checked_out_at == first.visit.checked_out_at
    assert (again.venue.code, again.venue.name) == (venue.code, venue.name)
    assert [c.visit.id for c in again.companions] == [c.visit.id for c in first.companions]
    assert answers.checkin_answer(again) == answers.checkin_answer(first)
    assert answers.status_code(again) == 200 and Visit.objects.count() == 2


def test_a_new_gate_scan_a_repeat_an_exit_and_a_second_exit(venue, staff):
    new = gate_scan(venue, staff)
    assert isinstance(new, CheckinResult) and new.is_new and not new.already_inside
    assert new.visit.id == Visit.objects.get().id and new.visit.channel == Channel.CCCD
    assert new.person == Shown(masked_name="T. T. Bình", birth_year=1990) and new.status == "undeclared"
    assert new.receipt == "" and new.holder == "" and new.companions == ()

    repeat = gate_scan(venue, staff)
    assert repeat.repeat and repeat.already_inside and repeat.visit.id == new.visit.id

    exit_ = gate_scan(venue, staff, direction="out")
    assert exit_.direction == "out" and not exit_.repeat and not exit_.is_new and not exit_.already_inside
    assert exit_.visit.id == new.visit.id and exit_.visit.checkout_method == CheckoutMethod.SCAN

    again = gate_scan(venue, staff, direction="out")
    assert again.direction == "out" and again.repeat
    assert [answers.status_code(r) for r in (new, repeat, exit_, again)] == [201, 200, 200, 200]


def test_a_replayed_gate_scan_is_the_first_result_and_answers_the_kept_body(venue, staff):
    client_id = uuid.uuid4()
    first = gate_scan(venue, staff, client_id)
    Visit.objects.filter(id=first.visit.id).update(status="red")  # changed since: the replay says what was answered
    again = gate_scan(venue, staff, client_id)
    assert again.replayed and not again.is_new and again.direction == "in"
    assert (again.visit.id, again.person, again.status, again.venue.name) == (
        first.visit.id,
        first.person,
        "undeclared",
        venue.name,
    )
    assert again.visit.checked_in_at == first.visit.checked_in_at
    assert answers.scan_answer(again) == answers.scan_answer(first)
    assert answers.status_code(again) == 200 and Visit.objects.count() == 1
