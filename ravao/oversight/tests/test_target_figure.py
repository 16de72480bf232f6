"""A target figure to trust: events count as scan points only while they run; a unit with no
scan point lags whatever its population; a sector is judged on its own known targets; the
national figure is counted over the provinces with a population only, and says so."""

import io
from datetime import timedelta

from django.utils import timezone
from pypdf import PdfReader

from ravao.catalog.models import Sector, VenueType
from ravao.oversight import selectors
from ravao.oversight.models import TargetEstablishment, TargetStatus
from ravao.oversight.reports import report_build
from ravao.oversight.rollup import rollup
from ravao.testing import ApiClient
from ravao.venues.models import Venue


def venue(unit, type_code, **extra):
    vt = VenueType.objects.get(code=type_code)
    return Venue.objects.create(
        name=f"{type_code} {Venue.objects.count()}",
        venue_type=vt,
        sector=vt.sector,
        unit=unit,
        default_stay_minutes=60,
        **extra,
    )


def coverage(user, **params):
    r = ApiClient(user).get("/coverage", **params)
    assert r.status_code == 200, r.content
    return r.json()


def test_events_count_only_while_they_run(small_map, users):
    now = timezone.now()
    a = small_map.commune_a
    venue(a, "restaurant")
    venue(a, "wedding", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3))  # running
    venue(a, "wedding", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))  # over
    venue(a, "funeral", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))  # not yet
    rollup(now=now)
    assert coverage(users["commune_a"])["indicators"]["registered"] == 2
    rollup(now=now + timedelta(hours=4))  # the wedding is over too
    assert coverage(users["commune_a"])["indicators"]["registered"] == 1


def test_a_unit_without_a_scan_point_lags_whatever_its_population(small_map, users):
    small_map.commune_b.population = None
    small_map.commune_b.save()
    venue(small_map.commune_a, "restaurant")
    rollup()
    doc = coverage(users["province"], unit="46")
    b = next(c for c in doc["children"] if c["unit"]["code"] == "19774")
    assert b["indicators"]["population"] is None and b["indicators"]["lagging"]


def test_a_sector_is_judged_on_its_own_targets_not_on_residents(small_map, users):
    a = small_map.commune_a
    health = Sector.objects.get(code="health")
    h = venue(a, "hospital")
    TargetEstablishment.objects.create(unit=a, name="BV", sector=health, status=TargetStatus.REGISTERED, venue=h)
    rollup()
    ind = coverage(users["health"], unit="19753")["indicators"]
    # One hospital for 100,000 residents would be "0.001 per 100": meaningless for one sector.
    assert ind["points_per_100_residents"] is None and ind["target_basis"] == "sector"
    assert ind["targets_active_share"] == 0.0 and ind["lagging"]  # registered, not active yet
    TargetEstablishment.objects.update(status=TargetStatus.ACTIVE)
    rollup()
    assert not coverage(users["health"], unit="19753")["indicators"]["lagging"]


def test_the_national_figure_counts_only_provinces_with_a_population(small_map, users):
    small_map.other_province.population = None
    small_map.other_province.save()
    for _ in range(3):
        venue(small_map.commune_a, "restaurant")
    for _ in range(5):
        venue(small_map.commune_c, "restaurant")  # in the province without a population
    rollup()
    ind = coverage(users["national"])["indicators"]
    assert ind["registered"] == 8 and ind["population"] == 1_200_000
    assert ind["points_per_100_residents"] == round(3 * 100 / 1_200_000, 3)
    assert (ind["population_units"], ind["population_units_total"]) == (1, 2)
    scope = selectors.resolve(user=users["national"])

    content, _ct, _n = report_build(user=users["national"], scope=scope, fmt="pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "chỉ tính trên 1/2 tỉnh, thành phố đã có số liệu dân số" in text
