import pytest
from django.utils import translation

from ravao.core.errors import ServiceError
from ravao.units.models import Unit
from ravao.units.population import import_population

pytestmark = pytest.mark.django_db


def test_it_sets_population_and_rolls_up_to_parents(small_map):
    Unit.objects.filter(pk=small_map.province.pk).update(population=None)
    n = import_population('code,population\n19753,1000\n19774,"2,500"\n')
    assert n == 2
    small_map.commune_b.refresh_from_db()
    assert small_map.commune_b.population == 2500
    small_map.province.refresh_from_db()
    assert small_map.province.population == 3500


def test_a_bad_row_imports_nothing(small_map):
    with pytest.raises(ServiceError) as err, translation.override("en"):
        import_population("code,population\n19753,1000\n99999,5\n19774,abc\n")
    assert "99999" in err.value.message and "line 4" in err.value.message
    small_map.commune_a.refresh_from_db()
    assert small_map.commune_a.population == 100_000


def test_it_rejects_a_file_without_the_columns(small_map):
    with pytest.raises(ServiceError):
        import_population("unit;people\n1;2\n")
