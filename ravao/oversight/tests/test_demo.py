"""The demo names the chairs, shows a lagging commune with who answers for it, and a district
account of the old map that sees the venues of its former communes."""

from ravao.accounts import demo as accounts_demo
from ravao.accounts.models import User
from ravao.oversight import demo
from ravao.oversight.models import Responsibility
from ravao.units.models import UnitMapping
from ravao.venues import demo as venues_demo
from ravao.venues.models import Venue


def test_the_demo_names_chairs_and_the_old_district_sees_its_venues(small_map):
    m = small_map
    for old, new in (
        (m.legacy_commune_a1, m.commune_a),
        (m.legacy_commune_a2, m.commune_a),
        (m.legacy_commune_b1, m.commune_b),
    ):
        UnitMapping.objects.create(old=old, new=new)
    rows = accounts_demo.create_demo_accounts()
    users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
    venues_demo.demo(province=m.province, users=users, stdout=None)
    line = demo.demo(province=m.province, users=users, stdout=None)
    chairs = Responsibility.objects.filter(sector__isnull=True)
    assert set(chairs.values_list("unit", flat=True)) == {m.province.pk, m.commune_a.pk, m.commune_b.pk}
    assert Responsibility.objects.filter(unit=m.province, sector__code="health").exists()
    assert "lagging commune" in line and "Chủ tịch UBND" in line
    lagging = chairs.exclude(target_date=None).exclude(unit=m.province)
    assert lagging.exists() and lagging.first().commitments
    huyen = users["huyen"]
    assert huyen.unit == m.district_a and huyen.unit.generation == "legacy"
    seen = Venue.objects.restrict(huyen)
    assert seen.exists() and set(seen.values_list("unit_id", flat=True)) == {m.commune_a.pk}
    assert f"sees {seen.count()} venues" in line
    # Again: same names, nothing doubled.
    names = sorted(Responsibility.objects.values_list("person_name", flat=True))
    demo.demo(province=m.province, users=users, stdout=None)
    assert sorted(Responsibility.objects.values_list("person_name", flat=True)) == names
