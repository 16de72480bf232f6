"""Issue 15: Content-Security-Policy without 'unsafe-inline' on every page; the camera only on the gate."""

import pytest

from ravao.venues.models import MembershipRole, VenueMembership
from ravao.venues.testing import make_venue


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Chợ Đông Ba")


@pytest.mark.django_db
def test_every_answer_has_a_strict_policy(client):
    for path in ("/", "/accounts/login/", "/api/v1/units?q=Hu", "/api/v1/docs"):
        csp = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_the_api_docs_come_from_our_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html


@pytest.mark.django_db
def test_only_the_gate_may_use_the_camera(client, users, venue):
    VenueMembership.objects.create(user=users["staff"], venue=venue, role=MembershipRole.STAFF)
    assert "camera=()" in client.get("/")["Permissions-Policy"]
    client.force_login(users["staff"])
    assert "camera=(self)" in client.get("/gate/")["Permissions-Policy"]
    assert "camera=()" in client.get("/dashboard/")["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, expected", [("", "script-src 'self'"), ("default-src 'none'", "default-src 'none'"), ("off", None)]
)
def test_the_policy_can_be_replaced_or_turned_off(client, settings, value, expected):
    settings.RAVAO_CSP = value
    assert (
        client.get("/").get("Content-Security-Policy") == expected
        or expected in client.get("/")["Content-Security-Policy"]
    )
