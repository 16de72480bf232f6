"""Nothing irreversible happens on one click: replacing a poster, removing an entrance or a
member of staff (yourself included), closing or suspending a venue first answer with a page that
says what will happen, and act only when that page's form comes back confirmed (no JavaScript)."""

import re

import pytest
from django.test import Client
from django.utils import translation

from ravao.testing import Role, make_user
from ravao.venues.models import Entrance, MembershipRole, VenueMembership, VenueStatus
from ravao.venues.testing import make_venue


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def shop(small_map, users):
    venue = make_venue(small_map.commune_a, "Chợ Đông Ba", "market")
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    return venue


def client_for(user) -> Client:
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def hidden_fields(html: str) -> dict:
    """The confirmation form's hidden fields, as a browser would post them back."""
    form = re.search(r'<form method="post" action="([^"]+)" class="row">(.*?)</form>', html, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    fields.pop("csrfmiddlewaretoken", None)
    return {"action": form.group(1), "fields": fields}


def ask_then_confirm(c, url, data):
    """Post ``data``: the answer is a confirmation page; post its form back: the action is done."""
    first = c.post(url, data)
    html = first.content.decode()
    assert first.status_code == 200 and 'name="confirmed" value="1"' in html
    form = hidden_fields(html)
    assert form["action"] == url and form["fields"] == {**{k: str(v) for k, v in data.items()}, "confirmed": "1"}
    return html, c.post(form["action"], form["fields"], follow=True)


def test_replacing_the_poster_asks_first(users, shop):
    c = client_for(users["manager"])
    c.post(f"/venues/{shop.code}/do/revoke/")
    shop.refresh_from_db()
    assert shop.code_version == 1  # the first click only asks: the printed poster still works
    html, done = ask_then_confirm(c, f"/venues/{shop.code}/do/revoke/", {})
    assert "Replace the poster of the whole venue?" in html and "stops working at once" in html
    assert "Poster replaced" in done.content.decode()
    shop.refresh_from_db()
    assert shop.code_version == 2


def test_removing_an_entrance_asks_first(users, shop):
    gate = Entrance.objects.create(venue=shop, name="Cổng Bắc")
    html, _done = ask_then_confirm(
        client_for(users["manager"]), f"/venues/{shop.code}/do/remove-entrance/", {"entrance": gate.pk}
    )
    assert "Remove the entrance “Cổng Bắc”?" in html
    assert not Entrance.objects.filter(pk=gate.pk).exists()


def test_removing_staff_asks_first_and_says_so_when_it_is_yourself(users, shop):
    guard = make_user("bao_ve", Role.GATE_STAFF)
    other = make_user("quan_ly_2", Role.VENUE_MANAGER)
    m_guard = VenueMembership.objects.create(venue=shop, user=guard, role=MembershipRole.STAFF)
    VenueMembership.objects.create(venue=shop, user=other, role=MembershipRole.MANAGER)
    c = client_for(users["manager"])
    first = c.post(f"/venues/{shop.code}/do/remove-staff/", {"membership": m_guard.pk}).content.decode()
    assert "Remove bao_ve from Chợ Đông Ba?" in first
    assert VenueMembership.objects.get(pk=m_guard.pk).active
    me = VenueMembership.objects.get(venue=shop, user=users["manager"])
    html, done = ask_then_confirm(c, f"/venues/{shop.code}/do/remove-staff/", {"membership": me.pk})
    assert "Remove yourself from Chợ Đông Ba?" in html and "You will no longer be able" in html
    assert not VenueMembership.objects.get(pk=me.pk).active


def test_closing_and_suspending_ask_first_reopening_does_not(users, shop):
    manager, official = client_for(users["manager"]), client_for(users["commune_a"])
    html, _done = ask_then_confirm(manager, f"/venues/{shop.code}/do/status/", {"status": "closed"})
    assert "Close Chợ Đông Ba?" in html
    shop.refresh_from_db()
    assert shop.status == VenueStatus.CLOSED
    manager.post(f"/venues/{shop.code}/do/status/", {"status": "active"})  # reopening: at once
    shop.refresh_from_db()
    assert shop.status == VenueStatus.ACTIVE
    html, _done = ask_then_confirm(official, f"/venues/{shop.code}/do/status/", {"status": "suspended"})
    assert "Suspend Chợ Đông Ba?" in html
    shop.refresh_from_db()
    assert shop.status == VenueStatus.SUSPENDED


def test_the_confirmation_page_is_refused_like_the_action(users, shop):
    """Asking is no way around the rules: someone who may not act gets no confirmation page."""
    assert client_for(users["commune_b"]).post(f"/venues/{shop.code}/do/revoke/").status_code == 404
    res = client_for(users["manager"]).post(f"/venues/{shop.code}/do/remove-entrance/", {"entrance": 999}, follow=True)
    assert "This venue has no such entrance." in res.content.decode()


def test_the_cancel_link_goes_back_to_the_venue(users, shop):
    html = client_for(users["manager"]).post(f"/venues/{shop.code}/do/revoke/").content.decode()
    assert f'<a class="button secondary" href="/venues/{shop.code}/">Cancel</a>' in html
