"""The menu each role sees: built from the entries the apps register, shown by capability.

The expected menus were recorded from the hand-written menu that the registry replaced: the
registry must not move, add or drop an entry for anybody. (Since then: the canvassers,
organisations and loudspeaker pages, issue 17.)"""

import pytest
from django.utils import translation

from ravao.accounts.models import Role, User
from ravao.accounts.navigation import menu_for

pytestmark = pytest.mark.django_db

OFFICIAL = [
    "/units/",
    "/accounts/users/",
    "/oversight/",
    "/oversight/campaign/",
    "/organisations/canvassers/",
    "/organisations/",
    "/mobilisation/",
    "/oversight/guides/",
    "/venues/",
    "/venues/import/",
    "/tracing/exposures/",
    "/accounts/tokens/",
]
NATIONAL = [
    "/units/",
    "/audit/",
    "/people/forms/",
    "/accounts/users/",
    "/oversight/",
    "/oversight/campaign/",
    "/organisations/canvassers/",
    "/organisations/",
    "/mobilisation/",
    "/oversight/guides/",
    "/venues/",
    "/venues/import/",
    "/tracing/",
    "/health/",
    "/tracing/windows/",
    "/health/settings/",
    "/tracing/exposures/",
    "/accounts/tokens/",
]
SECTOR = [url for url in OFFICIAL if url not in ("/accounts/users/", "/organisations/canvassers/", "/mobilisation/")]
# The health department's list (issue 16): health-sector officials; the province sets the rules.
HEALTH_SECTOR = [
    *SECTOR[: SECTOR.index("/tracing/exposures/")],
    "/health/",
    *SECTOR[SECTOR.index("/tracing/exposures/") :],
]
PROVINCE = [*OFFICIAL[:-2], "/health/settings/", *OFFICIAL[-2:]]
VENUE = [
    "/oversight/guides/",
    "/gate/",
    "/checkins/venues/",
    "/venues/mine/",
    "/venues/invitations/",
    "/tracing/exposures/",
    "/accounts/tokens/",
]
EXPECTED = {
    "national": NATIONAL,
    "province": PROVINCE,
    "district_a": OFFICIAL,
    "commune_a": OFFICIAL,
    "health": HEALTH_SECTOR,
    "tracer": [
        "/units/",
        "/oversight/guides/",
        "/tracing/",
        "/health/",
        "/tracing/windows/",
        "/tracing/exposures/",
        "/accounts/tokens/",
    ],
    "auditor": ["/units/", "/audit/", "/oversight/guides/", "/tracing/exposures/", "/accounts/tokens/"],
    "manager": VENUE,
    "staff": VENUE,
    "canvasser": ["/oversight/campaign/", "/oversight/guides/", "/tracing/exposures/", "/accounts/tokens/"],
}
LABELS_VI = {
    "/units/": "Bản đồ hành chính",
    "/audit/": "Nhật ký truy cập",
    "/people/forms/": "Mẫu tờ khai y tế",
    "/accounts/users/": "Tài khoản",
    "/oversight/": "Tiến độ triển khai",
    "/oversight/campaign/": "Chiến dịch đến từng cơ sở",
    "/oversight/guides/": "Hướng dẫn",
    "/venues/": "Địa điểm",
    "/venues/import/": "Nhập địa điểm",
    "/tracing/": "Truy vết tiếp xúc",
    "/tracing/windows/": "Khung thời gian có nguy cơ",
    "/tracing/exposures/": "Địa điểm ca bệnh (F0) đã đến",
    "/health/": "Người khai báo có nguy cơ (đỏ, vàng)",
    "/health/settings/": "Thiết lập y tế",
    "/accounts/tokens/": "Mã truy cập API",
    "/gate/": "Quét mã tại cổng",
    "/checkins/venues/": "Ai đang ở bên trong",
    "/venues/mine/": "Địa điểm của tôi",
    "/organisations/canvassers/": "Tuyên truyền viên",
    "/organisations/": "Tổ chức",
    "/mobilisation/": "Loa truyền thanh và đài phát thanh",
    "/venues/invitations/": "Lời mời làm việc",
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_sees_the_same_menu_in_the_same_order(users, small_map, who):
    if who == "canvasser":
        from ravao.accounts import policy
        from ravao.testing import make_user

        users["canvasser"] = make_user("canvasser", policy.canvasser_role(), small_map.commune_a)
    with translation.override("vi"):
        menu = [(entry["url"], str(entry["label"])) for entry in menu_for(users[who])]
    assert menu == [(url, LABELS_VI[url]) for url in EXPECTED[who]]


def test_every_entry_has_a_translated_description(users):
    with translation.override("en"):
        english = {e["url"]: str(e["description"]) for e in menu_for(users["national"]) + menu_for(users["manager"])}
    with translation.override("vi"):
        vietnamese = {e["url"]: str(e["description"]) for e in menu_for(users["national"]) + menu_for(users["manager"])}
    assert all(vietnamese[url] and vietnamese[url] != english[url] for url in english), vietnamese


def test_a_superuser_sees_the_national_menu_whatever_its_role_field_says(db):
    root = User.objects.create(username="root", is_superuser=True, role=Role.GATE_STAFF)
    assert [entry["url"] for entry in menu_for(root)] == NATIONAL


def test_a_deactivated_account_sees_no_entry(users):
    users["province"].is_active = False
    assert menu_for(users["province"]) == []
