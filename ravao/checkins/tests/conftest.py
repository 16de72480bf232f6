"""Fixtures for check-in tests: venues of each kind, gate staff with memberships, payloads."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from ravao.testing import Role, make_user
from ravao.venues import testing as venues_testing


def make_venue(unit, type_code="restaurant", **extra):
    return venues_testing.make_venue(unit, extra.pop("name", f"Quán {type_code}"), type_code, **extra)


def member(user, venue, role="staff"):
    from ravao.venues.models import VenueMembership

    VenueMembership.objects.create(user=user, venue=venue, role=role)
    return user


def person_payload(**overrides):
    person = {"full_name": "Nguyễn Văn An", "phone": "0912 345 678", "birth_year": 1990, "sex": "male"}
    person.update(overrides)
    return person


def checkin_payload(venue_code, *, person=None, declaration=None, companions=None, client_id=None):
    body = {
        "venue": venue_code,
        "client_id": str(client_id or uuid.uuid4()),
        "person": person or person_payload(),
    }
    if declaration is not None:
        body["declaration"] = declaration
    if companions is not None:
        body["companions"] = companions
    return body


CCCD_7 = "001090012345|123456789|Trần Thị Bình|15041990|Nữ|12 Lê Lợi, Phường Thuận Hóa, Huế|01072021"
CCCD_6 = "046095001234|Lê Văn Cường|02021995|Nam|5 Trần Hưng Đạo, Huế|10082021"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits count in Django's cache (in-process here): each test starts from zero.
    cache.clear()


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Quán Cơm Bà Lan")


@pytest.fixture
def other_venue(small_map):
    return make_venue(small_map.commune_b, name="Nhà thuốc Phú Xuân", type_code="pharmacy")


@pytest.fixture
def event_venue(small_map):
    now = timezone.now()
    return make_venue(
        small_map.commune_a,
        "wedding",
        name="Đám cưới Minh – Hoa",
        starts_at=now + timedelta(hours=5),
        ends_at=now + timedelta(hours=9),
    )


@pytest.fixture
def bus(small_map):
    return make_venue(small_map.commune_a, "bus", name="Xe buýt số 1", plate="75B-012.34")


@pytest.fixture
def staff(users, venue):
    return member(users["staff"], venue)


@pytest.fixture
def other_staff(db, other_venue):
    return member(make_user("staff_b", Role.GATE_STAFF), other_venue)
