"""Demo step: a few named venues in the demo province's first communes, run by `quanly`
(venue manager) with `baove` (gate staff) at the first one. Idempotent (natural key)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ravao.catalog.models import VenueType
from ravao.units.demo import demo_units
from ravao.venues.models import MembershipRole, Venue
from ravao.venues.services import find_duplicate, membership_link, trip_add, venue_register

# name, type, street, entrances, commune index
DEMO_VENUES = [
    ("Chợ Đông Ba", "market", "2 Trần Hưng Đạo", ["Cổng chính", "Cổng bờ sông"], 0),
    ("Nhà hàng Cơm Hến Hoa Đông", "restaurant", "7 Hàn Mặc Tử", [], 0),
    ("Siêu thị Co.opmart Huế", "supermarket", "6 Trần Hưng Đạo", ["Lối vào tầng trệt"], 1),
    ("Trường THPT Quốc Học", "school", "12 Lê Lợi", [], 1),
    ("Xe buýt tuyến 01 Huế – Thuận An", "bus", "Bến xe phía Nam", [], 0),
]


@transaction.atomic
def demo(*, province, users, stdout=None):
    _province, communes, _district = demo_units()
    manager, staff = users.get("quanly"), users.get("baove")
    made = []
    for name, type_code, street, entrances, index in DEMO_VENUES:
        unit = communes[min(index, len(communes) - 1)]
        venue = find_duplicate(unit=unit, name=name, street=street)
        if venue is None:
            vt = VenueType.objects.get(code=type_code)
            extra = (
                {"plate": "75B-000.01", "operator": "Xe buýt Huế", "route": "Huế – Thuận An"}
                if vt.kind == "vehicle"
                else {}
            )
            venue = venue_register(name=name, venue_type=vt, unit=unit, street=street, entrances=entrances, **extra)
            if vt.kind == "vehicle":
                start = timezone.now().replace(minute=0, second=0, microsecond=0)
                for hours in (-2, 0, 2):
                    trip_add(
                        venue=venue,
                        departs_at=start + timedelta(hours=hours),
                        arrives_at=start + timedelta(hours=hours, minutes=50),
                        label=f"{(start + timedelta(hours=hours)):%H:%M}",
                    )
        if manager is not None:
            membership_link(venue=venue, user=manager, role=MembershipRole.MANAGER)
        made.append(venue)
    if staff is not None and made:
        membership_link(venue=made[0], user=staff, role=MembershipRole.STAFF)
    codes = ", ".join(f"{v.code} {v.name}" for v in made[:3])
    return f"Venues: {len(made)} demo venues managed by quanly (baove at {made[0].code}): {codes}, …"


__all__ = ["demo", "DEMO_VENUES", "Venue"]
