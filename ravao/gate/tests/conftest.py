"""Fixtures for the gate scanner's tests: a venue with an entrance and its gate staff."""

import pytest

from ravao.testing import Role, make_user
from ravao.venues.models import Entrance, MembershipRole, VenueMembership
from ravao.venues.testing import make_venue

# A chip ID card QR in its 7-field form (as community parsers read it; no official spec): 12-digit ID, old ID,
# name, birth date,
# sex, address, issue date.
CCCD = "046090001234|191234567|Nguyễn Văn An|01011990|Nam|12 Lê Lợi, Thuận Hóa, Huế|15062021"
CCCD_6 = "046185004321|Trần Thị Bình|20051985|Nữ|3 Hùng Vương, Huế|01072021"


@pytest.fixture
def gate_venue(small_map):
    venue = make_venue(small_map.commune_a, name="Chợ Đông Ba")
    Entrance.objects.create(venue=venue, name="Cổng chính")
    Entrance.objects.create(venue=venue, name="Cổng sau")
    return venue


@pytest.fixture
def gate_staff(small_map, gate_venue):
    user = make_user("gate_guard", Role.GATE_STAFF)
    VenueMembership.objects.create(user=user, venue=gate_venue, role=MembershipRole.STAFF)
    return user
