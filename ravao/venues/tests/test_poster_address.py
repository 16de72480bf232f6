"""Posters and links carry the site's address: RAVAO_BASE_URL when set, else the request's host
(``make demo PORT=8080`` prints codes that open on port 8080)."""

import pytest
from django.test import Client

from ravao.codes.signing import venue_qr_url
from ravao.venues.models import MembershipRole, VenueMembership
from ravao.venues.testing import make_venue

from .posters_helpers import decode_image


@pytest.fixture
def managed(users, small_map):
    venue = make_venue(small_map.commune_a, "Chợ Đông Ba", "market")
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    client = Client(HTTP_HOST="localhost:8080")
    client.force_login(users["manager"])
    return venue, client


def test_it_prints_the_requests_host_when_no_base_url_is_set(managed, settings):
    settings.RAVAO_BASE_URL_FIXED = False
    venue, client = managed
    (found,) = decode_image(client.get(f"/venues/{venue.code}/poster.png").content)
    assert found.text.startswith("http://localhost:8080/v/V1.")
    svg = client.get(f"/venues/{venue.code}/poster.svg").content.decode()
    assert "Vào localhost:8080 và nhập mã" in svg


def test_it_prints_the_configured_base_url_whatever_the_host(managed, settings):
    settings.RAVAO_BASE_URL_FIXED, settings.BASE_URL = True, "https://ravao.example.vn"
    venue, client = managed
    (found,) = decode_image(client.get(f"/venues/{venue.code}/poster.png").content)
    assert found.text.startswith("https://ravao.example.vn/v/V1.")
    assert "ravao.example.vn" in client.get(f"/venues/{venue.code}/poster.svg").content.decode()


def test_outside_a_request_it_falls_back_to_the_default(small_map, settings):
    settings.RAVAO_BASE_URL_FIXED = False
    venue = make_venue(small_map.commune_a)
    assert venue_qr_url(venue=venue).startswith(f"{settings.BASE_URL}/v/")
