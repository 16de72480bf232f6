"""The CLI: `ravao trace` prints the ranked contacts (audited); `ravao importcases` dry-runs by default."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ravao.audit.models import AuditEntry
from ravao.tracing.models import Case
from ravao.tracing.tests.factories import BASE, make_person, make_visit
from ravao.venues.testing import make_venue


def test_it_prints_the_contacts_of_a_case(small_map, users):
    cafe = make_venue(small_map.commune_a)
    ca, near = make_person("Ca", phone="0912345678"), make_person("Gần", phone="0987654321")
    make_visit(ca, cafe, BASE, 60)
    make_visit(near, cafe, BASE, 20)
    case = Case.objects.create(
        person=ca,
        unit=small_map.commune_a,
        infectious_from=BASE - timedelta(days=1),
        infectious_to=BASE + timedelta(days=1),
    )
    out = StringIO()
    call_command("trace", case.pk, "--as", "tracer", stdout=out)
    assert "Gần" in out.getvalue() and "20 min" in out.getvalue()
    assert AuditEntry.objects.filter(case_id=case.pk, purpose="contact list (CLI)").exists()
    with pytest.raises(CommandError):
        call_command("trace", case.pk, "--as", "other_province", stdout=StringIO())


def test_it_imports_cases_only_with_commit(small_map, users, tmp_path):
    make_person("Ca", phone="0912345678", unit=small_map.commune_a)  # in the tracer's province
    f = tmp_path / "cases.csv"
    f.write_text("phone,test_date\n0912345678,2026-11-03\n")
    call_command("importcases", str(f), "--as", "tracer", stdout=StringIO())
    assert not Case.objects.exists()
    call_command("importcases", str(f), "--as", "tracer", "--commit", stdout=StringIO())
    assert Case.objects.count() == 1
