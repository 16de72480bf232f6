"""Venue staff (issue 15): an existing account is invited and works at the venue only once its
holder accepts; a membership never changes the account's own role; the inviter learns nothing
about whose a user name is."""

import pytest
from django.test import Client

from ravao.accounts.models import Role, User
from ravao.testing import ApiClient, make_user
from ravao.venues.models import MembershipRole, VenueMembership
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_venues(users, small_map):
    a = make_venue(small_map.commune_a, "Quán A")
    b = make_venue(small_map.commune_a, "Quán B")
    VenueMembership.objects.create(venue=a, user=users["manager"], role=MembershipRole.MANAGER)
    VenueMembership.objects.create(venue=b, user=users["staff"], role=MembershipRole.STAFF)
    return a, b


def test_an_existing_account_is_invited_and_works_there_only_after_accepting(users, two_venues):
    a, b = two_venues
    manager, invitee = ApiClient(users["manager"]), ApiClient(users["staff"])
    res = manager.post(f"/venues/{a.code}/staff/invitations", {"username": "staff", "role": "manager"})
    assert res.status_code == 202
    # Not linked yet: the gate staff cannot see or change venue A.
    assert invitee.get(f"/venues/{a.code}").status_code == 404
    staff_list = manager.get(f"/venues/{a.code}/staff").json()
    assert {"username": "staff", "role": "manager", "active": False, "invited_role": "manager"}.items() <= next(
        m for m in staff_list if m["username"] == "staff"
    ).items()

    waiting = invitee.get("/invitations").json()
    assert [(w["venue"], w["role"], w["pending"]) for w in waiting] == [(a.code, "manager", True)]
    accepted = invitee.post(f"/invitations/{waiting[0]['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["active"] is True
    again = invitee.post(f"/invitations/{waiting[0]['id']}/accept")  # a retried request
    assert again.status_code == 200 and again.json() == accepted.json()
    assert invitee.get("/invitations").json() == []

    # Manager at A now; the account's own role did not change (issue 15: it was promoted
    # everywhere), so at B it is still gate staff and cannot register venues of its own.
    users["staff"].refresh_from_db()
    assert users["staff"].role == Role.GATE_STAFF
    assert invitee.patch(f"/venues/{a.code}", {"capacity": 40}).status_code == 200
    assert invitee.patch(f"/venues/{b.code}", {"capacity": 40}).status_code == 403
    assert invitee.post(f"/venues/{b.code}/staff", {"username": "baove_b2"}).status_code == 403


def test_a_declined_invitation_links_nothing(users, two_venues):
    a, _b = two_venues
    ApiClient(users["manager"]).post(f"/venues/{a.code}/staff/invitations", {"username": "staff"})
    invitee = ApiClient(users["staff"])
    [waiting] = invitee.get("/invitations").json()
    assert invitee.post(f"/invitations/{waiting['id']}/decline").json()["pending"] is False
    assert invitee.get(f"/venues/{a.code}").status_code == 404
    assert not VenueMembership.objects.get(pk=waiting["id"]).active


def test_nobody_answers_anothers_invitation(users, two_venues):
    a, _b = two_venues
    ApiClient(users["manager"]).post(f"/venues/{a.code}/staff/invitations", {"username": "staff"})
    pk = VenueMembership.objects.get(venue=a, user=users["staff"]).pk
    other = make_user("baove_khac", Role.GATE_STAFF)
    assert ApiClient(other).post(f"/invitations/{pk}/accept").status_code == 404
    assert ApiClient(users["tracer"]).post(f"/invitations/{pk}/accept").status_code == 403
    assert not VenueMembership.objects.get(pk=pk).active


@pytest.mark.parametrize("username", ["province", "national", "tracer", "khong_ai_ca", "staff"])
def test_the_invitation_answer_is_the_same_whoever_the_name_belongs_to(users, two_venues, username):
    """No user-name oracle: an official's name, a stranger's, nobody's, a venue account's."""
    a, _b = two_venues
    res = ApiClient(users["manager"]).post(f"/venues/{a.code}/staff/invitations", {"username": username})
    reference = ApiClient(users["manager"]).post(f"/venues/{a.code}/staff/invitations", {"username": "zz_nobody"})
    assert (res.status_code, res.content) == (
        reference.status_code,
        reference.content.replace(b"zz_nobody", username.encode()),
    )
    linked = VenueMembership.objects.filter(venue=a, user__username=username)
    assert linked.exists() == (username == "staff")  # only a venue account is invited
    assert not linked.filter(active=True).exists()


@pytest.mark.parametrize("username", ["province", "staff", "Tracer", "84905123456"])
def test_a_new_account_under_a_name_that_cannot_be_used_gets_one_answer(users, two_venues, username):
    a, _b = two_venues
    res = ApiClient(users["manager"]).post(f"/venues/{a.code}/staff", {"username": username, "role": "manager"})
    assert res.status_code == 409 and res.json()["code"] == "username_unavailable"
    # The answer names no role nor account: the same text for every such name.
    other = ApiClient(users["manager"]).post(f"/venues/{a.code}/staff", {"username": "national"})
    assert res.json() == other.json()
    assert User.objects.get(username="province").role == Role.PROVINCE_OFFICIAL


def test_a_new_account_works_there_at_once(users, two_venues):
    a, _b = two_venues
    res = ApiClient(users["manager"]).post(f"/venues/{a.code}/staff", {"username": "baove_a", "role": "staff"})
    assert res.status_code == 201 and res.json()["generated_password"] and res.json()["active"] is True
    assert User.objects.get(username="baove_a").role == Role.GATE_STAFF


def test_the_pages_invite_list_on_the_dashboard_and_accept(users, two_venues):
    a, _b = two_venues
    manager = Client(headers={"Accept-Language": "en"})
    manager.force_login(users["manager"])
    res = manager.post(
        f"/venues/{a.code}/do/invite-staff/", {"invite-username": "staff", "invite-role": "staff"}, follow=True
    )
    assert "If staff is a venue account, it has been invited" in res.content.decode()
    official = manager.post(
        f"/venues/{a.code}/do/invite-staff/", {"invite-username": "province", "invite-role": "staff"}, follow=True
    )
    assert "If province is a venue account, it has been invited" in official.content.decode()
    assert "official" not in official.content.decode().split("<main", 1)[-1].lower().split("</main>")[0]

    invitee = Client(headers={"Accept-Language": "en"})
    invitee.force_login(users["staff"])
    dashboard = invitee.get("/dashboard/").content.decode()
    assert "Quán A invites you to work there as Gate staff." in dashboard
    page = invitee.get("/venues/invitations/").content.decode()
    assert "Quán A" in page
    pk = VenueMembership.objects.get(venue=a, user=users["staff"]).pk
    res = invitee.post("/venues/invitations/", {"invitation": pk, "answer": "accept"})
    assert res.status_code == 302 and res["Location"] == f"/venues/{a.code}/"
    assert VenueMembership.objects.get(pk=pk).active
    assert "invites you" not in invitee.get("/venues/invitations/").content.decode()
    # Junk ids answer a message, not a 500.
    for junk in ("", "x", "9" * 40, "-1"):
        assert invitee.post("/venues/invitations/", {"invitation": junk, "answer": "accept"}).status_code in (302, 400)


@pytest.mark.parametrize("ident", ["9" * 40, "-1", "0", "x"])
def test_junk_invitation_and_membership_ids_get_a_4xx(users, two_venues, ident):
    a, _b = two_venues
    for res in (
        ApiClient(users["staff"]).post(f"/invitations/{ident}/accept"),
        ApiClient(users["manager"]).delete(f"/venues/{a.code}/staff/{ident}"),
    ):
        assert 400 <= res.status_code < 500 and res.json()["detail"]


def test_a_nul_byte_in_an_invited_name_is_refused(users, two_venues):
    a, _b = two_venues
    res = ApiClient(users["manager"]).post(f"/venues/{a.code}/staff/invitations", {"username": "staff\x00"})
    assert res.status_code == 400
