from io import StringIO

import pytest
from django.core.management import call_command

from ravao.units.loader import load_mapping, load_units, successors
from ravao.units.models import Level, Unit, UnitMapping

pytestmark = pytest.mark.django_db


def counts(generation):
    qs = Unit.objects.filter(generation=generation)
    return {level: qs.filter(level=level).count() for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)}


def test_it_loads_the_2025_generation_with_34_provinces_and_3321_communes():
    load_units("2025")
    assert counts("2025") == {"province": 34, "district": 0, "commune": 3321}
    hue = Unit.objects.get(generation="2025", code="46")
    assert hue.level == Level.PROVINCE and hue.parent is None
    ward = Unit.objects.filter(generation="2025", parent=hue).first()
    assert ward.path == f"2025/46/{ward.code}/" and ward.depth == 2


def test_it_loads_the_legacy_generation_with_three_tiers():
    load_units("legacy")
    c = counts("legacy")
    assert c["province"] == 63
    assert 690 <= c["district"] <= 710
    assert 10_000 <= c["commune"] <= 10_100
    commune = Unit.objects.filter(generation="legacy", level=Level.COMMUNE).select_related("parent__parent").first()
    assert commune.parent.level == Level.DISTRICT and commune.parent.parent.level == Level.PROVINCE
    assert commune.depth == 3


def test_reloading_changes_nothing_and_both_generations_live_side_by_side():
    load_units("2025")
    load_units("legacy")
    before = sorted(Unit.objects.values_list("generation", "code", "path", "name"))
    again = load_units("2025")
    assert again["created"] == 0 and again["updated"] == 0
    assert load_units("legacy")["created"] == 0
    assert sorted(Unit.objects.values_list("generation", "code", "path", "name")) == before


def test_a_changed_name_is_updated_in_place():
    load_units("2025")
    unit = Unit.objects.get(generation="2025", code="46")
    Unit.objects.filter(pk=unit.pk).update(name="wrong")
    result = load_units("2025")
    assert result["updated"] == 1 and result["created"] == 0
    assert Unit.objects.get(pk=unit.pk).name != "wrong"


def test_old_codes_map_to_new_ones():
    load_units("2025")
    load_units("legacy")
    rows = load_mapping()
    assert rows > 10_000
    assert load_mapping() == rows  # idempotent
    # Every legacy commune has at least one successor in the current map.
    legacy_communes = Unit.objects.filter(generation="legacy", level=Level.COMMUNE)
    mapped = UnitMapping.objects.filter(old__in=legacy_communes).values("old").distinct().count()
    assert mapped == legacy_communes.count()
    # Bình Dương (74) became part of Hồ Chí Minh City (79) in 2025.
    binh_duong = Unit.objects.get(generation="legacy", code="74")
    assert [u.code for u in successors(binh_duong)] == ["79"]


def test_the_command_prints_a_summary():
    out = StringIO()
    call_command("loadunits", "--generation", "2025", stdout=out)
    assert "34 provinces, 3321 communes" in out.getvalue()


def test_loadunits_gives_the_merged_provinces_their_population_from_resolution_202():
    out = StringIO()
    call_command("loadunits", "--generation", "2025", stdout=out)
    assert "Resolution 202/2025/QH15" in out.getvalue() and "23 set" in out.getvalue()
    provinces = Unit.objects.filter(generation="2025", level=Level.PROVINCE)
    assert provinces.filter(population__isnull=False).count() == 23  # the merged ones; 11 unchanged: none
    assert provinces.get(code="08").population == 1_865_270  # Tuyên Quang (with Hà Giang)
    assert provinces.get(code="79").population == 14_002_598  # Hồ Chí Minh City
    assert provinces.get(code="46").population is None  # Huế was not merged: no figure in the resolution
    # A figure loaded by the operator is never overwritten.
    Unit.objects.filter(generation="2025", code="08").update(population=2_000_000)
    call_command("loadunits", "--generation", "2025", stdout=StringIO())
    assert provinces.get(code="08").population == 2_000_000
