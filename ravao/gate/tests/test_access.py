"""Who may open the gate scanner page, and which venues it offers them."""

import json

import pytest
from django.test import Client

from ravao.people import questionnaires
from ravao.testing import Role, make_user
from ravao.venues.models import MembershipRole, VenueMembership, VenueStatus
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def venue_config(response) -> list[dict]:
    marker = '<script id="gate-venues" type="application/json">'
    html = response.content.decode()
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


def offered_venues(response) -> list[str]:
    return [v["code"] for v in venue_config(response)]


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/gate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_offers_gate_staff_their_venue_with_its_entrances(gate_staff, gate_venue, django_assert_max_num_queries):
    client = logged_in(gate_staff)
    questionnaires.questionnaire()  # published versions are cached by name: warm, as in a running server
    # session, user, venues, entrances, the current version's name
    with django_assert_max_num_queries(5):
        response = client.get("/gate/")
    assert response.status_code == 200
    [config] = venue_config(response)
    assert config["code"] == gate_venue.code and config["name"] == "Chợ Đông Ba"
    assert [e["name"] for e in config["entrances"]] == ["Cổng chính", "Cổng sau"]
    html = response.content.decode()
    assert 'rel="manifest"' in html and "/static/vendor/jsQR.js" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_offers_managers_the_venues_they_manage(small_map, gate_venue):
    manager = make_user("mgr", Role.VENUE_MANAGER)
    VenueMembership.objects.create(user=manager, venue=gate_venue, role=MembershipRole.MANAGER)
    response = logged_in(manager).get("/gate/")
    assert response.status_code == 200
    assert offered_venues(response) == [gate_venue.code]


def test_it_never_offers_another_venue(small_map, gate_staff, gate_venue):
    other = make_venue(small_map.commune_b, name="Quán khác")
    stranger = make_user("stranger", Role.GATE_STAFF)
    VenueMembership.objects.create(user=stranger, venue=other)
    assert offered_venues(logged_in(gate_staff).get("/gate/")) == [gate_venue.code]
    assert offered_venues(logged_in(stranger).get("/gate/")) == [other.code]


def test_it_leaves_out_inactive_memberships_and_closed_venues(small_map, gate_staff, gate_venue):
    closed = make_venue(small_map.commune_a, name="Đã đóng cửa", status=VenueStatus.CLOSED)
    VenueMembership.objects.create(user=gate_staff, venue=closed)
    suspended = make_venue(small_map.commune_a, name="Tạm dừng", status=VenueStatus.SUSPENDED)
    VenueMembership.objects.create(user=gate_staff, venue=suspended, active=False)
    assert offered_venues(logged_in(gate_staff).get("/gate/")) == [gate_venue.code]


def test_it_tells_staff_without_a_venue_to_ask_their_manager(users):
    response = logged_in(users["staff"]).get("/gate/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="gate"' not in html and "gate-venues" not in html


@pytest.mark.parametrize("role", ["national", "province", "commune_a", "tracer", "auditor", "health"])
def test_it_refuses_officials_and_other_roles(users, role):
    assert logged_in(users[role]).get("/gate/").status_code == 403


def test_it_serves_an_installable_manifest(client):
    response = client.get("/gate/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == "/gate/" and data["scope"] == "/gate/"
    assert data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_it_serves_a_service_worker_that_keeps_the_shell(client):
    response = client.get("/gate/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for path in ('"/gate/"', "/static/vendor/jsQR.js", "/static/gate/gate.js", "/jsi18n/"):
        assert path in body
    assert "&quot;" not in body  # not HTML-escaped


def test_the_menu_leads_gate_staff_and_managers_to_the_scanner(users):
    from ravao.accounts.navigation import menu_for

    for role in ("staff", "manager"):
        assert "/gate/" in [entry["url"] for entry in menu_for(users[role])]
    for role in ("commune_a", "tracer"):
        assert "/gate/" not in [entry["url"] for entry in menu_for(users[role])]


def test_the_scanner_speaks_vietnamese_by_default_and_english_on_request(gate_staff):
    client = logged_in(gate_staff)
    assert "Sẵn sàng quét" in client.get("/gate/").content.decode()
    catalogue = client.get("/jsi18n/").content.decode()
    # The catalogue lists translated strings only: the scanner's JS strings are in it.
    assert '"Queued: will be sent when the network returns"' in catalogue
    assert '"%(n)s scan waiting to be sent"' in catalogue
    client.cookies["django_language"] = "en"
    assert "Ready to scan" in client.get("/gate/").content.decode()


def test_its_queries_do_not_grow_with_the_number_of_venues(small_map, gate_staff, django_assert_max_num_queries):
    from ravao.venues.models import Entrance

    for i in range(6):
        venue = make_venue(small_map.commune_a, name=f"Quầy {i}")
        Entrance.objects.create(venue=venue, name="Cổng")
        VenueMembership.objects.create(user=gate_staff, venue=venue)
    client = logged_in(gate_staff)
    questionnaires.questionnaire()  # warm, as in a running server
    with django_assert_max_num_queries(5):
        response = client.get("/gate/")
    assert len(offered_venues(response)) == 7
