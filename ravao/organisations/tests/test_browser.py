"""On a phone: a commune official enlists a Youth Union member; she signs in, finds the
establishment assigned to her and records her visit; the official logs a loudspeaker broadcast."""

import pytest

from ravao.accounts.models import User
from ravao.oversight.models import TargetEstablishment, TargetStatus

pytestmark = pytest.mark.browser


def test_a_canvasser_is_enlisted_and_records_a_visit_on_a_phone(page, login_as, small_map, users):
    target = TargetEstablishment.objects.create(unit=small_map.commune_a, name="Tiệm vàng Kim Long")
    login_as(users["commune_a"])
    page.goto("/organisations/canvassers/")
    page.locator("summary", has_text="Thêm tuyên truyền viên").click()
    page.fill("#c-last", "Nguyễn Thị")
    page.fill("#c-first", "Hoa")
    page.select_option("#c-org", label="Đoàn Thanh niên Cộng sản Hồ Chí Minh")
    page.fill("#c-user", "hoa")
    page.fill("#c-pass", "a-long-password-1")
    page.locator("form:has(#c-user) button").click()
    page.wait_for_load_state()
    assert page.locator("#canvassers", has_text="Đoàn Thanh niên").count() == 1
    hoa = User.objects.get(username="hoa")
    TargetEstablishment.objects.filter(pk=target.pk).update(assigned_to=hoa)
    # The official logs this morning's broadcast from the script page.
    page.goto("/mobilisation/")
    assert "2278/BTTTT-THH" in page.locator("#script").inner_text()
    page.fill("#b-place", "Cụm loa tổ 3")
    page.locator("form:has(#b-place) button").click()
    page.wait_for_load_state()
    assert page.locator("#broadcasts", has_text="Cụm loa tổ 3").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    page.context.clear_cookies()
    login_as(hoa)
    page.goto("/oversight/campaign/?mine=1")
    page.locator("#targets a", has_text="Tiệm vàng Kim Long").click()
    page.wait_for_load_state()
    page.locator("button", has_text="Đã hướng dẫn").first.click()
    page.wait_for_load_state()
    target.refresh_from_db()
    assert target.status == TargetStatus.GUIDED
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
