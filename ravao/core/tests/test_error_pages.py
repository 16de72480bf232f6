"""Error pages in the site's layout and the visitor's language, and /favicon.ico (issue 18)."""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import translation


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("forbidden/", forbidden), path("broken/", broken), path("", include("ravao.urls"))]
ENGLISH = {"Accept-Language": "en"}

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_a_missing_page_says_so_in_vietnamese_in_the_sites_layout():
    res = Client().get("/khong-co-trang-nay/")
    html = res.content.decode()
    assert res.status_code == 404
    assert "Không tìm thấy trang" in html and "Lỗi 404" in html and "Về trang chủ" in html
    assert 'class="topbar"' in html and 'lang="vi"' in html  # base.html, not Django's bare page


def test_a_missing_page_is_in_english_when_asked():
    html = Client(headers=ENGLISH).get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Back to the home page" in html and 'lang="en"' in html


def test_a_forbidden_page_says_so():
    res = Client().get("/forbidden/")
    assert res.status_code == 403 and "Không có quyền truy cập" in res.content.decode()
    assert "Access denied" in Client(headers=ENGLISH).get("/forbidden/").content.decode()


def test_a_refused_form_says_what_to_do():
    res = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    html = res.content.decode()
    assert res.status_code == 403
    assert "Không có quyền truy cập" in html and "Biểu mẫu đã hết hạn" in html


def test_a_server_error_is_a_calm_page_in_the_visitors_language():
    res = Client(raise_request_exception=False).get("/broken/")
    assert res.status_code == 500
    html = res.content.decode()
    assert "Hệ thống gặp sự cố" in html and 'class="topbar"' in html and "a bug" not in html
    english = Client(raise_request_exception=False, headers=ENGLISH).get("/broken/").content.decode()
    assert "Something went wrong" in english


@pytest.mark.parametrize(("language", "text"), [("vi", "Tạm thời gián đoạn"), ("en", "Briefly unavailable")])
def test_the_outage_page_renders_in_both_languages_without_the_database(language, text):
    # Standalone on purpose: during an outage the session and the user are in the database.
    with translation.override(language):
        html = render_to_string("503.html")
    assert text in html and 'class="topbar"' not in html


def test_the_favicon_is_served_by_the_app():
    res = Client().get("/favicon.ico")
    assert res.status_code == 200 and res["Content-Type"] == "image/x-icon"
    assert res.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age" in res["Cache-Control"]
    assert finders.find("core/favicon.svg")
    assert 'rel="icon"' in Client().get("/").content.decode()


@override_settings(DEBUG=False)
def test_every_page_links_the_icon_the_visitor_pages_too(small_map):
    from ravao.venues.testing import make_venue

    venue = make_venue(small_map.commune_a)
    assert "favicon.svg" in Client().get(f"/c/{venue.code}").content.decode()
