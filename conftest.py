"""Fixtures shared by every app's tests (see ravao/testing.py for the helpers behind them)."""

import pytest

from ravao.testing import Role, make_small_map, make_user


@pytest.fixture
def small_map(db):
    return make_small_map()


@pytest.fixture
def users(small_map):
    """One user per role, with sibling officials for scoping tests."""
    m = small_map
    return {
        "national": make_user("national", Role.NATIONAL_ADMIN),
        "province": make_user("province", Role.PROVINCE_OFFICIAL, m.province),
        "other_province": make_user("other_province", Role.PROVINCE_OFFICIAL, m.other_province),
        "commune_a": make_user("commune_a", Role.COMMUNE_OFFICIAL, m.commune_a),
        "commune_b": make_user("commune_b", Role.COMMUNE_OFFICIAL, m.commune_b),
        "district_a": make_user("district_a", Role.DISTRICT_OFFICIAL, m.district_a),
        "district_b": make_user("district_b", Role.DISTRICT_OFFICIAL, m.district_b),
        "health": make_user("health", Role.SECTOR_OFFICIAL, m.province, "health"),
        "education": make_user("education", Role.SECTOR_OFFICIAL, m.province, "education"),
        "tracer": make_user("tracer", Role.TRACER, m.province),
        "auditor": make_user("auditor", Role.AUDITOR, m.province),
        "manager": make_user("manager", Role.VENUE_MANAGER),
        "staff": make_user("staff", Role.GATE_STAFF),
    }
