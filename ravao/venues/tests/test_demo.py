from ravao.accounts import demo as accounts_demo
from ravao.accounts.models import User
from ravao.venues import demo
from ravao.venues.models import Venue, VenueMembership


def test_the_demo_step_is_idempotent_and_links_the_demo_accounts(small_map):
    rows = accounts_demo.create_demo_accounts()
    users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
    line = demo.demo(province=small_map.province, users=users, stdout=None)
    assert "quanly" in line
    demo.demo(province=small_map.province, users=users, stdout=None)
    assert Venue.objects.count() == len(demo.DEMO_VENUES)
    managed = VenueMembership.objects.filter(user__username="quanly", role="manager", active=True)
    assert managed.count() == len(demo.DEMO_VENUES)
    guard = VenueMembership.objects.get(user__username="baove")
    assert guard.role == "staff" and guard.venue.name == "Chợ Đông Ba" and guard.venue.entrances.count() == 2
    bus = Venue.objects.get(venue_type__code="bus")
    assert bus.trips.count() == 3 and bus.unit.parent == small_map.province
