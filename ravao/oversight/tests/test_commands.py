"""ravao rollup and ravao sendreports from the command line."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from ravao.oversight.models import RollupState, UnitDay
from ravao.oversight.rollup import local_day
from ravao.oversight.tests.factories import make_random_data


def test_it_rolls_up_from_the_cli(small_map, users):
    today = local_day(timezone.now())
    make_random_data(small_map, seed=51, end_day=today, days=3)
    out = io.StringIO()
    call_command("rollup", stdout=out)
    assert "rolled up 300 new visit(s), 3 whole day(s) re-rolled" in out.getvalue()  # the first run
    assert UnitDay.objects.filter(day=today - timedelta(days=2)).exists()
    assert RollupState.objects.get(name="rollup").last_id > 0
    make_random_data(small_map, seed=52, end_day=today, days=3, visits=25, venues=2, people=2, targets=0)
    out = io.StringIO()
    call_command("rollup", stdout=out)  # the next run adds the new visits only
    assert "rolled up 25 new visit(s), 0 whole day(s) re-rolled" in out.getvalue()
    out = io.StringIO()
    call_command("rollup", "--since", (today - timedelta(days=1)).isoformat(), stdout=out)  # a repair
    assert "rolled up 0 new visit(s), 2 whole day(s) re-rolled" in out.getvalue()


def test_it_sends_nothing_without_officials_with_an_e_mail(small_map, users):
    out = io.StringIO()
    call_command("sendreports", stdout=out)
    assert "sent 0 report e-mail(s)" in out.getvalue()


def test_the_demo_step_rolls_up(small_map, users):
    from ravao.oversight.demo import demo

    make_random_data(small_map, seed=53, visits=30)
    line = demo(province=small_map.province, users=users, stdout=io.StringIO())
    assert line.startswith("oversight: rolled up 30 visits in ")
