import re

import pytest
from django.test import Client
from django.utils import translation

from ravao.core.sms import ConsoleSMSBackend
from ravao.testing import make_unit
from ravao.units.models import Level
from ravao.venues.models import MembershipRole, PhoneOTP, Venue, VenueMembership
from ravao.venues.testing import make_venue
from ravao.venues.tokens import verify_venue_token

from .posters_helpers import decode_image, decode_pdf


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def client_for(user) -> Client:
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


@pytest.fixture
def places(small_map):
    m = small_map
    return {
        "a_clinic": make_venue(m.commune_a, "Trạm y tế Thuận Hóa", "clinic"),
        "a_school": make_venue(m.commune_a, "Trường tiểu học Lê Lợi", "school"),
        "b_market": make_venue(m.commune_b, "Chợ Tây Lộc", "market"),
        "c_shop": make_venue(m.commune_c, "Siêu thị Hải Châu", "supermarket"),
    }


def _listed(res):
    assert res.status_code == 200
    return set(re.findall(r'href="/venues/([0-9A-Z]{7})/"', res.content.decode()))


def test_the_registry_page_is_scoped_and_filtered(users, places, small_map):
    p = {k: v.code for k, v in places.items()}
    assert _listed(client_for(users["commune_a"]).get("/venues/")) == {p["a_clinic"], p["a_school"]}
    assert _listed(client_for(users["commune_b"]).get("/venues/")) == {p["b_market"]}
    assert _listed(client_for(users["health"]).get("/venues/")) == {p["a_clinic"]}
    assert _listed(client_for(users["other_province"]).get("/venues/")) == {p["c_shop"]}
    province = client_for(users["province"])
    assert _listed(province.get("/venues/", {"unit": small_map.commune_b.code})) == {p["b_market"]}
    assert _listed(province.get("/venues/", {"q": "truong tieu hoc"})) == {p["a_school"]}
    assert _listed(province.get("/venues/", {"type": "clinic"})) == {p["a_clinic"]}
    assert _listed(province.get("/venues/", {"sector": "education"})) == {p["a_school"]}
    assert _listed(province.get("/venues/", {"verified": "1"})) == set()
    assert "No unit with code 1" in province.get("/venues/", {"unit": "1"}).content.decode()
    assert client_for(users["manager"]).get("/venues/").status_code == 404
    assert Client().get("/venues/").status_code == 302


def test_detail_and_posters_are_404_outside_the_area(users, places):
    code = places["a_clinic"].code
    assert client_for(users["commune_a"]).get(f"/venues/{code}/").status_code == 200
    for who in ("commune_b", "education", "other_province", "manager"):
        c = client_for(users[who])
        assert c.get(f"/venues/{code}/").status_code == 404, who
        assert c.get(f"/venues/{code}/poster.pdf").status_code == 404, who
        assert c.post(f"/venues/{code}/do/verify/").status_code == 404, who


def test_the_bulk_poster_button_prints_only_the_officials_venues(users, places, small_map):
    res = client_for(users["commune_a"]).get("/venues/posters.pdf", {"unit": small_map.province.code})
    assert res.status_code == 200 and res["Content-Type"] == "application/pdf"
    codes = {verify_venue_token(u).venue_code for u in decode_pdf(res.content)}
    assert codes == {places["a_clinic"].code, places["a_school"].code}
    res = client_for(users["health"]).get("/venues/posters.pdf")
    assert [verify_venue_token(u).venue_code for u in decode_pdf(res.content)] == [places["a_clinic"].code]
    assert client_for(users["manager"]).get("/venues/posters.pdf").status_code == 404


def test_an_official_verifies_and_suspends_and_the_manager_cannot_lift_it(users, places):
    venue = places["a_clinic"]
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    official, manager = client_for(users["commune_a"]), client_for(users["manager"])
    official.post(f"/venues/{venue.code}/do/verify/")
    official.post(f"/venues/{venue.code}/do/status/", {"status": "suspended", "confirmed": "1"})
    venue.refresh_from_db()
    assert venue.verified and venue.verified_by == users["commune_a"] and venue.status == "suspended"
    assert manager.post(f"/venues/{venue.code}/do/verify/").status_code == 404
    res = manager.post(f"/venues/{venue.code}/do/status/", {"status": "active"}, follow=True)
    assert "Only an official can" in res.content.decode()
    venue.refresh_from_db()
    assert venue.status == "suspended"


def test_a_manager_runs_their_venue_from_the_pages(users, places):
    venue = places["b_market"]
    VenueMembership.objects.create(venue=venue, user=users["manager"], role=MembershipRole.MANAGER)
    c = client_for(users["manager"])
    assert venue.code in c.get("/venues/mine/").content.decode()
    c.post(f"/venues/{venue.code}/do/add-entrance/", {"name": "Cổng Tây"})
    entrance = venue.entrances.get()
    (found,) = decode_image(c.get(f"/venues/{venue.code}/poster.png", {"entrance": entrance.pk}).content)
    assert verify_venue_token(found.text).entrance == entrance
    svg = c.get(f"/venues/{venue.code}/poster.svg").content.decode()
    assert "Chợ Tây Lộc" in svg
    (old,) = decode_pdf(c.get(f"/venues/{venue.code}/poster.pdf", {"size": "A5"}).content)
    c.post(f"/venues/{venue.code}/do/revoke/", {"confirmed": "1"})
    with pytest.raises(Exception, match="replaced"):
        verify_venue_token(old)
    res = c.post(f"/venues/{venue.code}/do/add-staff/", {"username": "gac_cong", "role": "staff"}, follow=True)
    assert re.search(r"created with the password \S+", res.content.decode())
    assert VenueMembership.objects.get(user__username="gac_cong").user.role == "gate_staff"
    res = c.post(
        f"/venues/{venue.code}/edit/",
        {"name": "Chợ Tây Lộc mới", "venue_type": venue.venue_type.pk, "unit": venue.unit.code, "street": "1 Lê Duẩn"},
        follow=True,
    )
    venue.refresh_from_db()
    assert venue.name == "Chợ Tây Lộc mới" and venue.street == "1 Lê Duẩn"
    # Staff see the venue but cannot change it.
    guard = client_for(VenueMembership.objects.get(user__username="gac_cong").user)
    assert guard.get(f"/venues/{venue.code}/").status_code == 200
    assert guard.post(f"/venues/{venue.code}/do/add-entrance/", {"name": "X"}).status_code == 404


def test_an_official_registers_on_behalf_with_the_unit_picker_without_js(users, small_map):
    # Two communes with the same name elsewhere: the picker asks which one.
    make_unit("19999", "Phường Phú Xuân", Level.COMMUNE, small_map.other_province)
    c = client_for(users["national"])
    data = {"name": "Nhà sách Phú Xuân", "venue_type": 1, "unit": "phu xuan", "street": "3 Đinh Tiên Hoàng"}
    from ravao.catalog.models import VenueType

    data["venue_type"] = VenueType.objects.get(code="essential_shop").pk
    res = c.post("/venues/new/", data)
    html = res.content.decode()
    assert "Several communes or wards match" in html and 'value="19774 — Phường Phú Xuân"' in html
    res = c.post("/venues/new/", {**data, "unit": "19774 — Phường Phú Xuân"})
    venue = Venue.objects.get(name="Nhà sách Phú Xuân")
    assert res.status_code == 302 and venue.unit == small_map.commune_b
    assert not venue.memberships.exists()  # registered on behalf: no manager yet
    # A commune official only picks units in their own commune.
    res = client_for(users["commune_a"]).post("/venues/new/", {**data, "name": "Khác", "unit": "19774"})
    assert "No commune or ward matches" in res.content.decode()


def test_self_registration_with_an_sms_code(small_map, places):
    ConsoleSMSBackend.outbox.clear()
    from ravao.catalog.models import VenueType

    c = Client(headers={"Accept-Language": "en"})
    assert c.get("/venues/register/").status_code == 200
    form = {
        "name": "Quán cơm Bà Năm",
        "venue_type": VenueType.objects.get(code="restaurant").pk,
        "unit": small_map.commune_a.code,
        "street": "9 Nguyễn Huệ",
        "contact_name": "Nguyễn Thị Năm",
        "phone": "0905 123 456",
        "password": "a-good-long-passphrase",
    }
    res = c.post("/venues/register/", form)
    assert res.status_code == 302 and res.url == "/venues/register/confirm/"
    phone, text = ConsoleSMSBackend.outbox[-1]
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert phone == "+84905123456"
    otp = PhoneOTP.objects.get()
    assert code not in otp.code_hash and otp.phone == phone
    assert "•" in c.get("/venues/register/confirm/").content.decode()
    bad = "000000" if code != "000000" else "111111"
    assert "Wrong code. 4 tries left." in c.post("/venues/register/confirm/", {"code": bad}).content.decode()
    assert not Venue.objects.filter(name="Quán cơm Bà Năm").exists()
    res = c.post("/venues/register/confirm/", {"code": code})
    venue = Venue.objects.get(name="Quán cơm Bà Năm")
    assert res.status_code == 302 and res.url == f"/venues/{venue.code}/"
    manager = venue.memberships.get().user
    assert manager.username.startswith("owner-") and manager.phone == phone and manager.role == "venue_manager"
    assert manager.check_password("a-good-long-passphrase") and venue.contact_phone == phone
    # Logged in, the poster is right there.
    page = c.get(res.url).content.decode()
    assert f"/venues/{venue.code}/poster.pdf" in page
    (url,) = decode_pdf(c.get(f"/venues/{venue.code}/poster.pdf").content)
    assert verify_venue_token(url).venue == venue


def test_the_sms_code_expires_and_burns_after_five_tries(small_map, settings):
    from datetime import timedelta

    from django.utils import timezone

    from ravao.core.errors import ServiceError
    from ravao.venues.registration import otp_send, otp_verify

    otp = otp_send(phone="0905123456")
    code = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    bad = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ServiceError):
            otp_verify(otp_id=otp.pk, code=bad)
    with pytest.raises(ServiceError, match="Too many wrong codes"):
        otp_verify(otp_id=otp.pk, code=code)
    otp = otp_send(phone="0905123456")
    code = re.search(r"\b(\d{6})\b", ConsoleSMSBackend.outbox[-1][1]).group(1)
    PhoneOTP.objects.filter(pk=otp.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ServiceError, match="expired"):
        otp_verify(otp_id=otp.pk, code=code)
    for _ in range(3):
        otp_send(phone="+84905123456")
    with pytest.raises(ServiceError, match="Too many codes"):
        otp_send(phone="0905123456")
    with pytest.raises(ServiceError, match="not a valid phone"):
        otp_send(phone="12")
    # One connection cannot spray codes over many numbers either.
    for i in range(20):
        otp_send(phone=f"09051234{i:02d}", client="203.0.113.9")
    with pytest.raises(ServiceError, match="from this connection"):
        otp_send(phone="0905999999", client="203.0.113.9")


def test_the_menu_shows_the_venue_pages(users):
    from ravao.accounts.navigation import menu_for

    assert {"/venues/", "/venues/import/"} <= {e["url"] for e in menu_for(users["commune_a"])}
    assert "/venues/mine/" in {e["url"] for e in menu_for(users["staff"])}
    assert "/venues/" not in {e["url"] for e in menu_for(users["manager"])}


def test_the_pages_speak_vietnamese_by_default(users, places, settings):
    settings.LANGUAGE_CODE = "vi"
    html = Client().get("/venues/register/", headers={"Accept-Language": "vi"}).content.decode()
    assert "Đăng ký địa điểm của bạn" in html and "Gửi mã cho tôi" in html
    c = client_for(users["commune_a"])
    html = c.get("/venues/", headers={"Accept-Language": "vi"}).content.decode()
    assert "Địa điểm trong địa bàn" in html


def test_the_csv_export_is_scoped_and_safe_in_spreadsheets(users, places, small_map):
    make_venue(small_map.commune_a, '=HYPERLINK("http://evil")', "restaurant")
    res = client_for(users["commune_a"]).get("/venues/export.csv", {"unit": small_map.province.code})
    assert res.status_code == 200 and res["Content-Type"].startswith("text/csv")
    text = res.content.decode("utf-8-sig")
    assert places["a_clinic"].code in text and "Trạm y tế Thuận Hóa" in text
    assert places["b_market"].code not in text and places["c_shop"].code not in text
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert places["a_school"].code not in client_for(users["health"]).get("/venues/export.csv").content.decode()
    assert client_for(users["manager"]).get("/venues/export.csv").status_code == 404


def test_the_registry_page_costs_a_constant_number_of_queries(users, places, django_assert_max_num_queries):
    c = client_for(users["province"])
    c.get("/venues/")
    for i in range(30):
        make_venue(places["a_clinic"].unit, f"Quán {i}")
    with django_assert_max_num_queries(12):
        assert len(_listed(c.get("/venues/"))) == 33


def test_the_import_page_reports_rows_and_imports_all_or_nothing(users, small_map):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(users["commune_a"])
    bad = "name,type,address,unit,phone\nQuán A,restaurant,1 Lê Lợi,19753,\nQuán B,xe tăng,2 Lê Lợi,19753,\n"
    res = c.post("/venues/import/", {"file": SimpleUploadedFile("v.csv", bad.encode())})
    html = res.content.decode()
    assert "1 rows have errors; nothing was imported." in html and "unknown venue type “xe tăng”" in html
    assert not Venue.objects.exists()
    good = bad.replace("xe tăng", "restaurant")
    res = c.post("/venues/import/", {"file": SimpleUploadedFile("v.csv", good.encode()), "dry_run": "on"})
    assert "2 new venues" in res.content.decode() and not Venue.objects.exists()
    c.post("/venues/import/", {"file": SimpleUploadedFile("v.csv", good.encode())})
    assert Venue.objects.count() == 2
    res = c.post("/venues/import/", {"file": SimpleUploadedFile("v.csv", good.encode())})
    assert "Imported 0 venues (2 were already registered)." in res.content.decode() and Venue.objects.count() == 2


def test_an_empty_bulk_print_goes_back_to_the_list_with_a_message(users, places):
    res = client_for(users["commune_b"]).get("/venues/posters.pdf", {"type": "school"}, follow=True)
    assert res.redirect_chain[0][0] == "/venues/?type=school"
    assert "No venue matches." in res.content.decode()


def test_venue_contacts_are_encrypted_at_rest_and_their_export_is_audited(users, places, small_map):
    from django.db import connection

    from ravao.audit.models import AuditEntry

    venue = places["a_clinic"]
    venue.contact_name, venue.contact_phone = "Nguyễn Thị Lan", "0912345678"
    venue.save(update_fields=["contact_name", "contact_phone"])
    with connection.cursor() as cur:
        cur.execute("SELECT contact_name, contact_phone FROM venues_venue WHERE id = %s", [venue.pk])
        stored = cur.fetchone()
    assert "Lan" not in stored[0] and "0912345678" not in stored[1] and stored[1]
    assert Venue.objects.get(pk=venue.pk).contact_phone == "0912345678"
    before = AuditEntry.objects.filter(object_type="venue_registry").count()
    text = client_for(users["commune_a"]).get("/venues/export.csv").content.decode("utf-8-sig")
    assert "0912345678" in text
    entry = AuditEntry.objects.filter(object_type="venue_registry").latest("id")
    assert AuditEntry.objects.filter(object_type="venue_registry").count() == before + 1
    assert entry.action == "export" and entry.user_id == users["commune_a"].pk and entry.detail["rows"] >= 1
