"""SMS codes are limited per connection (ravao/core/ratelimit.py keyed by the client address),
so that nobody makes Ravao text many numbers."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from ravao.core.errors import ServiceError
from ravao.venues import registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def test_too_many_codes_from_one_connection_are_refused_with_429(monkeypatch):
    monkeypatch.setattr(registration, "OTP_MAX_PER_CLIENT_HOUR", 2)
    for phone in ("0905 123 451", "0905 123 452"):
        registration.otp_send(phone=phone, client="203.0.113.5")
    with pytest.raises(ServiceError) as refused:
        registration.otp_send(phone="0905 123 453", client="203.0.113.5")
    assert refused.value.status == 429
    assert refused.value.message == "Too many codes were requested from this connection. Try again in an hour."
    registration.otp_send(phone="0905 123 453", client="203.0.113.6")  # another connection


def test_the_registration_page_counts_the_address_behind_the_proxy(small_map, monkeypatch, settings):
    from ravao.catalog.models import VenueType

    monkeypatch.setattr(registration, "OTP_MAX_PER_CLIENT_HOUR", 1)
    settings.RAVAO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    form = {
        "name": "Quán cơm Bà Năm",
        "venue_type": VenueType.objects.get(code="restaurant").pk,
        "unit": small_map.commune_a.code,
        "street": "9 Nguyễn Huệ",
        "contact_name": "Nguyễn Thị Năm",
        "password": "a-good-long-passphrase",
    }
    c = Client(headers={"Accept-Language": "en"})
    assert (
        c.post("/venues/register/", {**form, "phone": "0905 123 461"}, HTTP_X_REAL_IP="203.0.113.8").status_code == 302
    )
    res = Client(headers={"Accept-Language": "en"}).post(
        "/venues/register/", {**form, "phone": "0905 123 462"}, HTTP_X_REAL_IP="203.0.113.8"
    )
    assert "Too many codes were requested from this connection" in res.content.decode()
    other = Client(headers={"Accept-Language": "en"}).post(
        "/venues/register/", {**form, "phone": "0905 123 463"}, HTTP_X_REAL_IP="203.0.113.9"
    )
    assert other.status_code == 302
