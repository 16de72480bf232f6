import pytest
from django.db import connection

from ravao.accounts.services import token_issue
from ravao.checkins.tests.conftest import make_venue, member

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the front writes on PostgreSQL only")


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Quán Cơm Bà Lan")


@pytest.fixture
def other_venue(small_map):
    return make_venue(small_map.commune_b, name="Nhà thuốc Phú Xuân", type_code="pharmacy")


@pytest.fixture
def staff(users, venue, other_venue):
    member(users["staff"], venue)
    return member(users["staff"], other_venue)


@pytest.fixture
def token(staff):
    return token_issue(user=staff, name="front tests")


@pytest.fixture(autouse=True)
def _writers_stopped(_migration_data_restored_at_exit):
    # Transactional tests empty the tables: the migrations' data is put back at exit (conftest).
    yield
    from ravao.ingest.testing import OPEN

    while OPEN:
        OPEN.pop().writer.stop()
