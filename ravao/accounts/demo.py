"""The demo accounts: one per role, in the demo province, printed by `ravao demo`."""

from django.conf import settings
from django.db import transaction

from ravao.accounts import secondfactor
from ravao.accounts.models import Role, User
from ravao.catalog.models import Sector
from ravao.units.demo import demo_units

DEMO_PASSWORD = "ravao-demo"


@transaction.atomic
def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create (or reset) one account per role; returns (username, role label, scope) rows."""
    province, communes, district = demo_units()
    health = Sector.objects.get(code="health")
    industrial = Sector.objects.get(code="industrial")
    spec = [
        ("admin", Role.NATIONAL_ADMIN, None, None),
        ("tinh", Role.PROVINCE_OFFICIAL, province, None),
        ("huyen", Role.DISTRICT_OFFICIAL, district, None),
        ("xa", Role.COMMUNE_OFFICIAL, communes[0], None),
        ("xa2", Role.COMMUNE_OFFICIAL, communes[1], None),
        # A Youth Union member enlisted by the commune (her organisation: organisations/demo.py).
        ("vandong", Role.CANVASSER, communes[0], None),
        ("yte", Role.SECTOR_OFFICIAL, province, health),
        # The industrial-zone board: its dashboard lists the zone's enterprises and which lag.
        ("kcn", Role.SECTOR_OFFICIAL, province, industrial),
        ("truyvet", Role.TRACER, province, None),
        ("kiemtoan", Role.AUDITOR, province, None),
        ("quanly", Role.VENUE_MANAGER, None, None),
        ("baove", Role.GATE_STAFF, None, None),
    ]
    rows = []
    for username, role, unit, sector in spec:
        user, _ = User.objects.get_or_create(username=username)
        user.role, user.unit, user.sector = role, unit, sector
        user.is_superuser = user.is_staff = username == "admin"
        user.set_password(DEMO_PASSWORD)
        user.save()
        if secondfactor.required(user):
            # The public demo authenticator (printed by `ravao demo`; with RAVAO_DEMO=1 the
            # verification page shows its current code): the log-in flow is the real one.
            secondfactor.demo_enrol(user)
        scope = " · ".join(x for x in (unit.name if unit else "", sector.name_en if sector else "") if x)
        if unit is not None and unit.generation != settings.RAVAO_UNIT_GENERATION:
            # Districts exist only on the pre-2025 map; the demo's venues are on the current one, and
            # the old-to-new table takes the district to the current communes its communes became.
            scope += " (pre-2025 map: sees the venues of its former communes through the old-to-new table)"
        rows.append((username, Role(role).label, scope or "—"))
    return rows
