import pytest


@pytest.fixture
def venue_for_people(small_map):
    from ravao.checkins.tests.conftest import make_venue

    return make_venue(small_map.commune_a)
