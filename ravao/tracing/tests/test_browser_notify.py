"""In a real browser: notifying contacts first shows the message and how many get it; only the
confirmation sends."""

import pytest

from ravao.core.sms import ConsoleSMSBackend
from ravao.testing import Role, make_user
from ravao.tracing.models import Case, Notification
from ravao.tracing.tests.factories import BASE, make_person, make_visit
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.browser


def test_the_tracer_sees_the_sms_and_its_count_before_sending(page, login_as, small_map):
    from datetime import timedelta

    tracer = make_user("truyvet", Role.TRACER, small_map.province)
    cafe = make_venue(small_map.commune_a, "Quán Hương Giang")
    ca = make_person("Nguyễn Văn Ca", phone="0912345678", unit=small_map.commune_a)
    make_visit(ca, cafe, BASE, 60)
    for i in range(3):
        make_visit(make_person(f"Khách {i}", phone=f"098765432{i}"), cafe, BASE + timedelta(minutes=10 * i), 30)
    case = Case.objects.create(
        person=ca,
        unit=small_map.commune_a,
        infectious_from=BASE - timedelta(days=1),
        infectious_to=BASE + timedelta(days=1),
        created_by=tracer,
    )
    ConsoleSMSBackend.outbox.clear()
    login_as(tracer)
    page.goto(f"/tracing/cases/{case.pk}/contacts/")
    page.click("form[action*='/notify/'] button")
    page.wait_for_selector("#confirm-title")
    assert "Gửi 3 tin nhắn" in page.locator("#confirm-title").inner_text()
    preview = page.locator("[data-preview]").inner_text()
    assert "Quán Hương Giang" in preview and "/2026" in preview  # the SMS as it will read
    assert "3" in page.locator(".props").inner_text()
    assert not ConsoleSMSBackend.outbox and not Notification.objects.exists()
    page.click("button[data-confirm]")
    page.wait_for_url(f"**/tracing/cases/{case.pk}/contacts/**")
    assert len(ConsoleSMSBackend.outbox) == 3 and Notification.objects.count() == 3
    assert ConsoleSMSBackend.outbox[0][1] in {preview} or "Quán Hương Giang" in ConsoleSMSBackend.outbox[0][1]
