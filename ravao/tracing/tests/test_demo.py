"""The demo step opens one case from existing visits, publishes a window, and is idempotent."""

from datetime import timedelta

from django.utils import timezone

from ravao.testing import Role, make_user
from ravao.tracing.demo import demo
from ravao.tracing.models import Case, ExposureWindow
from ravao.tracing.tests.factories import make_person, make_visit
from ravao.venues.testing import make_venue


def test_it_opens_one_case_and_publishes_a_window_idempotently(small_map):
    tracer = make_user("truyvet", Role.TRACER, small_map.province)
    cafe = make_venue(small_map.commune_a)
    now = timezone.now()
    busy, other = make_person("A"), make_person("B")
    for i in range(3):
        make_visit(busy, cafe, now - timedelta(days=i + 1), 60)
    make_visit(other, cafe, now - timedelta(days=1), 30)
    line = demo(province=small_map.province, users={"truyvet": tracer})
    assert "F0" in line and "1 contacts" in line
    demo(province=small_map.province, users={"truyvet": tracer})
    case = Case.objects.get()
    assert case.person == busy and ExposureWindow.objects.filter(case=case).count() == 1
