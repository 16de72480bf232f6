"""Demo step: an industrial zone with two enterprises (each with its factory as a venue), a
transport operator running the demo bus, and `vandong`, a Youth Union member enlisted as the
first commune's canvasser (oversight/demo.py gives her establishments to visit). Idempotent."""

from django.db import transaction

from ravao.catalog.models import VenueType
from ravao.organisations.models import Canvasser, Organisation, OrganisationKind
from ravao.organisations.services import organisation_create
from ravao.units.demo import demo_units
from ravao.venues.models import Venue
from ravao.venues.services import find_duplicate, venue_register

ZONE = "Khu công nghiệp Phú Bài"
# enterprise, its factory's street
ENTERPRISES = [
    ("Công ty TNHH Dệt may Phú Bài", "Lô B2, KCN Phú Bài"),
    ("Công ty Cổ phần Bia Phú Bài", "Lô C5, KCN Phú Bài"),
]
OPERATOR = "Công ty Cổ phần Xe buýt Huế"


def _venue(*, name, code, unit, street, organisation) -> Venue:
    venue = find_duplicate(unit=unit, name=name, street=street) or venue_register(
        name=name, venue_type=VenueType.objects.get(code=code), unit=unit, street=street
    )
    if venue.organisation_id != organisation.pk:
        venue.organisation = organisation
        venue.save(update_fields=["organisation"])
    return venue


@transaction.atomic
def demo(*, province, users, stdout=None):
    _province, communes, _district = demo_units()
    commune = communes[0]
    zone = organisation_create(by=None, name=ZONE, kind=OrganisationKind.INDUSTRIAL_ZONE, unit=province)
    _venue(name=ZONE, code="industrial_zone", unit=commune, street="Quốc lộ 1A, Phú Bài", organisation=zone)
    for name, street in ENTERPRISES:
        enterprise = organisation_create(by=None, name=name, kind=OrganisationKind.ENTERPRISE, parent=zone)
        _venue(name=f"Nhà máy – {name}", code="factory", unit=commune, street=street, organisation=enterprise)
    operator = organisation_create(by=None, name=OPERATOR, kind=OrganisationKind.TRANSPORT_OPERATOR, unit=province)
    Venue.objects.filter(unit__path__startswith=province.path, venue_type__code="bus", organisation=None).update(
        organisation=operator
    )
    canvasser = users.get("vandong")
    line = f"Organisations: {ZONE} with {len(ENTERPRISES)} enterprises (their factories are venues), {OPERATOR}"
    if canvasser is not None:
        youth = Organisation.objects.get(code="doan_tn")
        canvasser.last_name, canvasser.first_name = "Nguyễn Thị", "Hoa"
        canvasser.save(update_fields=["last_name", "first_name"])
        Canvasser.objects.update_or_create(user=canvasser, defaults={"organisation": youth})
        line += f"; canvasser vandong is a member of {youth.name} in {commune.name}"
    return line
