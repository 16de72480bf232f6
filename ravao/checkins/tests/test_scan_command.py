"""`ravao scan`: the same check-in path from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ravao.checkins.models import Visit
from ravao.checkins.tests.conftest import CCCD_7


def run(*args):
    out = StringIO()
    call_command("scan", *args, stdout=out)
    return out.getvalue()


def test_it_checks_in_and_out_from_the_command_line(venue, staff):
    line = run("--venue", venue.code, "--user", staff.username, "--text", CCCD_7)
    assert "T. T. Bình (1990) checked in at" in line and "[undeclared]" in line
    assert "checked out" in run(
        "--venue",
        venue.code,
        "--user",
        staff.username,
        "--text",
        "001090012345",
        "--birth-year",
        "1990",
        "--direction",
        "out",
    )
    assert Visit.objects.get().checkout_method == "scan"


def test_it_refuses_a_venue_the_user_does_not_work_at(other_venue, staff):
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match="venues you work at"):
        call_command("scan", "--venue", other_venue.code, "--user", staff.username, "--text", CCCD_7)
    assert Visit.objects.count() == 0
