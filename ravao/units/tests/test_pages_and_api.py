import pytest

from ravao.testing import ApiClient

pytestmark = pytest.mark.django_db


def test_sibling_commune_officials_see_only_their_own_unit_page(client, users, small_map):
    client.force_login(users["commune_a"])
    assert client.get("/units/2025/19753/").status_code == 200
    assert client.get("/units/2025/19774/").status_code == 404
    assert client.get("/units/2025/46/").status_code == 404  # their province is above them
    listing = client.get("/units/").content.decode()
    assert "Phường Thuận Hóa" in listing and "Phường Phú Xuân" not in listing


def test_sibling_district_officials_see_only_their_own_district(client, users, small_map):
    client.force_login(users["district_a"])
    assert client.get("/units/legacy/474/").status_code == 200
    assert client.get("/units/legacy/19756/").status_code == 200
    assert client.get("/units/legacy/476/").status_code == 404
    assert client.get("/units/legacy/19774/").status_code == 404
    r = client.get("/units/", {"generation": "legacy", "q": "phong"})
    assert "Phong Điền" not in r.content.decode()


def test_a_province_official_drills_down_to_its_communes(client, users, small_map):
    client.force_login(users["province"])
    page = client.get("/units/2025/46/").content.decode()
    assert "Phường Thuận Hóa" in page and "Phường Phú Xuân" in page
    assert client.get("/units/2025/48/").status_code == 404


def test_the_unit_picker_api_is_public_and_accent_insensitive(small_map):
    r = ApiClient().get("/units", q="thuan hoa")
    assert r.status_code == 200
    assert [u["code"] for u in r.json()] == ["19753"]
    assert r.json()[0]["parent"] == "46" and r.json()[0]["parent_name"] == "Thành phố Huế"


def test_the_unit_detail_api_lists_children_and_answers_404_with_a_message(small_map):
    r = ApiClient().get("/units/46")
    assert sorted(c["code"] for c in r.json()["children"]) == ["19753", "19774"]
    r = ApiClient().get("/units/99999")
    assert r.status_code == 404 and "99999" in r.json()["detail"]


def test_pages_need_a_login(client, small_map):
    assert client.get("/units/").status_code == 302
