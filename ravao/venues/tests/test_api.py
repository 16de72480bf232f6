import pytest
from django.utils import translation

from ravao.testing import ApiClient
from ravao.venues.models import MembershipRole, Venue, VenueMembership
from ravao.venues.testing import make_venue
from ravao.venues.tokens import verify_venue_token

from .posters_helpers import decode_image, decode_pdf


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def places(small_map):
    m = small_map
    return {
        "a_clinic": make_venue(m.commune_a, "Trạm y tế Thuận Hóa", "clinic"),
        "a_school": make_venue(m.commune_a, "Trường tiểu học Lê Lợi", "school"),
        "b_market": make_venue(m.commune_b, "Chợ Tây Lộc", "market"),
        "c_shop": make_venue(m.commune_c, "Siêu thị Hải Châu", "supermarket"),
    }


def _codes(res):
    assert res.status_code == 200, res.content
    return {item["code"] for item in res.json()["items"]}


def test_the_list_has_the_documented_shape(users, places, small_map):
    res = ApiClient(users["national"]).get("/venues", unit=small_map.commune_a.code, limit=1)
    body = res.json()
    assert body["count"] == 2 and len(body["items"]) == 1
    item = body["items"][0]
    assert {"code", "name", "type", "sector", "unit", "status"} <= set(item)
    assert item["unit"] == {"code": small_map.commune_a.code, "name": "Phường Thuận Hóa"}
    assert item["status"] == "active"


def test_the_list_is_scoped_to_the_caller(users, places, small_map):
    p = {k: v.code for k, v in places.items()}
    assert _codes(ApiClient(users["national"]).get("/venues")) == set(p.values())
    assert _codes(ApiClient(users["province"]).get("/venues")) == {p["a_clinic"], p["a_school"], p["b_market"]}
    assert _codes(ApiClient(users["other_province"]).get("/venues")) == {p["c_shop"]}
    assert _codes(ApiClient(users["commune_a"]).get("/venues")) == {p["a_clinic"], p["a_school"]}
    assert _codes(ApiClient(users["commune_b"]).get("/venues")) == {p["b_market"]}
    assert _codes(ApiClient(users["health"]).get("/venues")) == {p["a_clinic"]}
    assert _codes(ApiClient(users["education"]).get("/venues")) == {p["a_school"]}
    assert _codes(ApiClient(users["district_a"]).get("/venues")) == set()  # legacy districts hold no venues
    assert _codes(ApiClient(users["manager"]).get("/venues")) == set()
    # A unit filter outside the caller's area yields nothing, not the other area's venues.
    assert _codes(ApiClient(users["commune_a"]).get("/venues", unit=small_map.commune_b.code)) == set()


def test_the_filters(users, places, small_map):
    api = ApiClient(users["province"])
    assert _codes(api.get("/venues", unit=small_map.province.code, sector="health")) == {places["a_clinic"].code}
    assert _codes(api.get("/venues", type="market")) == {places["b_market"].code}
    assert _codes(api.get("/venues", q="tay loc")) == {places["b_market"].code}
    assert _codes(api.get("/venues", q=places["a_school"].code.lower())) == {places["a_school"].code}
    places["a_school"].status = "suspended"
    places["a_school"].save()
    assert _codes(api.get("/venues", status="suspended")) == {places["a_school"].code}
    assert _codes(api.get("/venues", verified="false")) == {p.code for k, p in places.items() if k != "c_shop"}
    assert api.get("/venues", unit="99999").status_code == 404
    assert api.get("/venues", type="spaceship").json()["detail"] == "No venue type with code spaceship."


def test_the_list_needs_auth_and_few_queries(users, places, django_assert_max_num_queries):
    assert ApiClient().get("/venues").status_code == 401
    api = ApiClient(users["province"])
    for i in range(20):
        make_venue(places["a_clinic"].unit, f"Quán {i}")
    with django_assert_max_num_queries(5):  # the token's per-request check included
        assert api.get("/venues").json()["count"] == 23


def test_detail_is_404_outside_the_area(users, places):
    code = places["a_clinic"].code
    res = ApiClient(users["commune_a"]).get(f"/venues/{code}")
    assert res.status_code == 200 and verify_venue_token(res.json()["qr_url"]).venue == places["a_clinic"]
    assert res.json()["unit_path"][0]["name"] == "Thành phố Huế"
    for who in ("commune_b", "other_province", "education", "manager", "staff"):
        res = ApiClient(users[who]).get(f"/venues/{code}")
        assert res.status_code == 404 and "Trạm" not in res.content.decode(), who
        assert ApiClient(users[who]).get(f"/venues/{code}/poster").status_code == 404, who


def test_an_official_registers_on_behalf_and_a_manager_registers_their_own(users, small_map):
    res = ApiClient(users["commune_a"]).post(
        "/venues",
        {"name": "Nhà văn hoá", "type": "office", "unit": small_map.commune_a.code, "entrances": ["Cổng chính"]},
    )
    assert res.status_code == 201, res.content
    assert res.json()["entrances"][0]["name"] == "Cổng chính" and res.json()["default_stay_minutes"] == 480
    res = ApiClient(users["commune_a"]).post(
        "/venues", {"name": "X", "type": "office", "unit": small_map.commune_b.code}
    )
    assert res.status_code == 403 and "outside your jurisdiction" in res.json()["detail"]
    res = ApiClient(users["health"]).post("/venues", {"name": "X", "type": "school", "unit": small_map.commune_a.code})
    assert res.status_code == 403
    res = ApiClient(users["commune_a"]).post(
        "/venues", {"name": "X", "type": "office", "unit": small_map.province.code}
    )
    assert res.status_code == 400 and "not a commune or ward" in res.json()["detail"]
    res = ApiClient(users["manager"]).post(
        "/venues", {"name": "Quán Bún Bò", "type": "restaurant", "unit": small_map.commune_b.code}
    )
    assert res.status_code == 201
    assert VenueMembership.objects.get(venue__code=res.json()["code"]).user == users["manager"]
    assert ApiClient(users["manager"]).get(f"/venues/{res.json()['code']}").status_code == 200
    dup = ApiClient(users["province"]).post(
        "/venues", {"name": "quán bún bò ", "type": "restaurant", "unit": small_map.commune_b.code}
    )
    assert dup.status_code == 409 and dup.json()["venue"] == res.json()["code"]
    assert (
        ApiClient(users["staff"])
        .post("/venues", {"name": "Y", "type": "office", "unit": small_map.commune_a.code})
        .status_code
        == 403
    )


def test_events_and_vehicles_need_their_fields(users, small_map):
    api = ApiClient(users["commune_a"])
    base = {"unit": small_map.commune_a.code}
    res = api.post("/venues", {**base, "name": "Đám cưới", "type": "wedding"})
    assert res.status_code == 400 and "start and an end" in res.json()["detail"]
    res = api.post(
        "/venues",
        {
            **base,
            "name": "Đám cưới",
            "type": "wedding",
            "starts_at": "2026-12-01T10:00:00+07:00",
            "ends_at": "2026-12-01T14:00:00+07:00",
        },
    )
    assert res.status_code == 201 and res.json()["kind"] == "event"
    res = api.post("/venues", {**base, "name": "Xe buýt 01", "type": "bus"})
    assert res.status_code == 400 and "plate" in res.json()["detail"]
    res = api.post(
        "/venues", {**base, "name": "Xe buýt 01", "type": "bus", "plate": "75B-012.34", "route": "Huế – Thuận An"}
    )
    code = res.json()["code"]
    trip = api.post(
        f"/venues/{code}/trips", {"departs_at": "2026-12-01T06:00:00+07:00", "arrives_at": "2026-12-01T06:45:00+07:00"}
    )
    assert trip.status_code == 201
    bad = api.post(
        f"/venues/{code}/trips", {"departs_at": "2026-12-01T06:00:00+07:00", "arrives_at": "2026-12-01T05:00:00+07:00"}
    )
    assert bad.status_code == 400
    assert len(api.get(f"/venues/{code}/trips").json()) == 1


def test_update_verify_suspend_and_permissions(users, places, small_map):
    code = places["a_clinic"].code
    VenueMembership.objects.create(venue=places["a_clinic"], user=users["manager"], role=MembershipRole.MANAGER)
    VenueMembership.objects.create(venue=places["a_clinic"], user=users["staff"], role=MembershipRole.STAFF)
    manager, staff, official = ApiClient(users["manager"]), ApiClient(users["staff"]), ApiClient(users["commune_a"])
    assert (
        manager.patch(f"/venues/{code}", {"name": "Trạm y tế phường Thuận Hóa", "capacity": 40}).json()["capacity"]
        == 40
    )
    assert staff.patch(f"/venues/{code}", {"name": "hacked"}).status_code == 403
    assert manager.patch(f"/venues/{code}", {"unit": small_map.commune_b.code}).status_code == 403
    assert manager.post(f"/venues/{code}/verify").status_code == 403
    assert ApiClient(users["commune_b"]).post(f"/venues/{code}/verify").status_code == 404
    assert official.post(f"/venues/{code}/verify").json()["verified"] is True
    assert official.post(f"/venues/{code}/status?status=suspended").json()["status"] == "suspended"
    assert manager.post(f"/venues/{code}/status?status=active").status_code == 403
    assert official.post(f"/venues/{code}/status?status=active").json()["status"] == "active"
    assert manager.post(f"/venues/{code}/status?status=closed").json()["status"] == "closed"


def test_posters_entrances_revocation_and_staff_over_the_api(users, places):
    venue = places["b_market"]
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    api = ApiClient(users["manager"])
    entrance = api.post(f"/venues/{venue.code}/entrances", {"name": "Cổng Đông"}).json()
    res = api.get(f"/venues/{venue.code}/poster", format="png", entrance=entrance["id"])
    assert res["Content-Type"] == "image/png"
    (found,) = decode_image(res.content)
    assert verify_venue_token(found.text).entrance_id == entrance["id"]
    res = api.get(f"/venues/{venue.code}/poster", size="A5")
    (url,) = decode_pdf(res.content)
    assert verify_venue_token(url).venue == venue
    assert api.post(f"/venues/{venue.code}/poster/revoke").json()["code_version"] == 2
    assert api.get(f"/venues/{venue.code}").json()["qr_url"] != url
    res = api.post(
        f"/venues/{venue.code}/staff", {"username": "baove_tayloc", "role": "staff", "full_name": "Lê Văn Tám"}
    )
    assert res.status_code == 201 and res.json()["generated_password"]
    guard = VenueMembership.objects.get(pk=res.json()["id"]).user
    assert guard.role == "gate_staff" and guard.check_password(res.json()["generated_password"])
    assert ApiClient(guard).get(f"/venues/{venue.code}").status_code == 200
    assert (
        ApiClient(users["commune_b"]).post(f"/venues/{venue.code}/staff", {"username": "commune_a"}).status_code == 409
    )
    mine = VenueMembership.objects.get(venue=venue, user=users["manager"])
    assert api.delete(f"/venues/{venue.code}/staff/{mine.pk}").status_code == 400  # the last manager
    assert api.delete(f"/venues/{venue.code}/staff/{res.json()['id']}").status_code == 204
    assert ApiClient(guard).get(f"/venues/{venue.code}").status_code == 404


def test_bulk_posters_for_officials_only_and_scoped(users, places, small_map):
    res = ApiClient(users["province"]).get("/venues/bulk-posters", unit=small_map.province.code)
    assert res.status_code == 200
    urls = decode_pdf(res.content)
    assert {verify_venue_token(u).venue_code for u in urls} == {
        places[k].code for k in ("a_clinic", "a_school", "b_market")
    }
    res = ApiClient(users["commune_b"]).get("/venues/bulk-posters")
    assert [verify_venue_token(u).venue_code for u in decode_pdf(res.content)] == [places["b_market"].code]
    assert ApiClient(users["manager"]).get("/venues/bulk-posters").status_code == 403
    assert Venue.objects.count() == 4


def test_sibling_districts_see_only_their_own_communes_venues(users, small_map):
    # Venues on the legacy three-tier map (a district official's jurisdiction).
    m = small_map
    a1 = make_venue(m.legacy_commune_a1, "Quán A1")
    a2 = make_venue(m.legacy_commune_a2, "Quán A2")
    b1 = make_venue(m.legacy_commune_b1, "Quán B1")
    assert _codes(ApiClient(users["district_a"]).get("/venues")) == {a1.code, a2.code}
    assert _codes(ApiClient(users["district_b"]).get("/venues")) == {b1.code}
    assert ApiClient(users["district_b"]).get(f"/venues/{a1.code}").status_code == 404
    res = ApiClient(users["district_a"]).get("/venues/bulk-posters")
    assert sorted(verify_venue_token(u).venue_code for u in decode_pdf(res.content)) == sorted([a1.code, a2.code])


def test_an_officials_venue_is_verified_at_once_and_a_self_registered_one_waits(users, small_map):
    """Tracers weigh scans at unverified venues (docs/identity.md): only venues nobody official
    has vouched for stay unverified."""
    from ravao.venues.models import Venue

    official = ApiClient(users["commune_a"]).post(
        "/venues", {"name": "UBND phường", "type": "office", "unit": small_map.commune_a.code}
    )
    own = ApiClient(users["manager"]).post(
        "/venues", {"name": "Quán Nhỏ", "type": "restaurant", "unit": small_map.commune_a.code}
    )
    assert official.status_code == own.status_code == 201
    mine, theirs = Venue.objects.get(code=official.json()["code"]), Venue.objects.get(code=own.json()["code"])
    assert (mine.verified, mine.verified_by) == (True, users["commune_a"])
    assert (theirs.verified, theirs.verified_by) == (False, None)
