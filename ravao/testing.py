"""Shared test helpers: a small map with sibling units, users of every role, API clients.

Used by the fixtures in the root conftest.py; import these in tests rather than copying set-up.
"""

from dataclasses import dataclass

from django.test import Client

from ravao.accounts.models import Role, User
from ravao.accounts.services import token_issue
from ravao.catalog.models import Sector
from ravao.units.loader import fold
from ravao.units.models import Level, Unit


def make_unit(
    code: str,
    name: str,
    level: str,
    parent: Unit | None = None,
    *,
    generation: str = "2025",
    population: int | None = None,
    **extra,
) -> Unit:
    return Unit.objects.create(
        generation=generation,
        code=code,
        name=name,
        level=level,
        depth=1 if parent is None else parent.depth + 1,
        parent=parent,
        path=f"{parent.path if parent else generation + '/'}{code}/",
        population=population,
        search_key=fold(name),
        **extra,
    )


@dataclass
class SmallMap:
    """Two provinces; in the first, two sibling communes (2025) — and, in a legacy generation,
    one province with two sibling districts of two communes each."""

    province: Unit
    other_province: Unit
    commune_a: Unit
    commune_b: Unit
    commune_c: Unit  # in the other province
    legacy_province: Unit
    district_a: Unit
    district_b: Unit
    legacy_commune_a1: Unit
    legacy_commune_a2: Unit
    legacy_commune_b1: Unit


def make_small_map() -> SmallMap:
    p = make_unit("46", "Thành phố Huế", Level.PROVINCE, population=1_200_000)
    q = make_unit("48", "Thành phố Đà Nẵng", Level.PROVINCE, population=3_000_000)
    a = make_unit("19753", "Phường Thuận Hóa", Level.COMMUNE, p, population=100_000)
    b = make_unit("19774", "Phường Phú Xuân", Level.COMMUNE, p, population=90_000)
    c = make_unit("20194", "Phường Hải Châu", Level.COMMUNE, q, population=200_000)
    lp = make_unit("46", "Tỉnh Thừa Thiên Huế", Level.PROVINCE, generation="legacy", population=1_150_000)
    da = make_unit("474", "Thành phố Huế", Level.DISTRICT, lp, generation="legacy")
    db = make_unit("476", "Huyện Phong Điền", Level.DISTRICT, lp, generation="legacy")
    a1 = make_unit("19753", "Phường Phú Thuận", Level.COMMUNE, da, generation="legacy")
    a2 = make_unit("19756", "Phường Phú Bình", Level.COMMUNE, da, generation="legacy")
    b1 = make_unit("19774", "Thị trấn Phong Điền", Level.COMMUNE, db, generation="legacy")
    return SmallMap(p, q, a, b, c, lp, da, db, a1, a2, b1)


def make_user(
    username: str,
    role: str,
    unit: Unit | None = None,
    sector: str | Sector | None = None,
    password: str = "pw-for-tests-1",
    **extra,
) -> User:
    if isinstance(sector, str):
        sector = Sector.objects.get(code=sector)
    user = User(username=username, role=role, unit=unit, sector=sector, **extra)
    user.set_password(password)
    user.save()
    return user


class ApiClient:
    """A thin JSON client for /api/v1 with a real bearer token."""

    def __init__(self, user: User | None = None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {token_issue(user=user, name='tests')}"

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, data=None, **kwargs):
        return self.client.post(
            f"/api/v1{path}", data or {}, content_type="application/json", headers=self.headers, **kwargs
        )

    def patch(self, path: str, data=None):
        return self.client.patch(f"/api/v1{path}", data or {}, content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


__all__ = ["ApiClient", "Role", "SmallMap", "make_small_map", "make_unit", "make_user"]


def verify_second_factor(client, user) -> None:
    """Mark ``client``'s session as having passed the second factor, with a confirmed TOTP device
    made for ``user`` if it has none: what an official's session is after the real log-in
    (tested through the pages in ravao/signin/tests). The root conftest.py does this for every
    ``client.login``/``force_login`` of an account that must have a second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
