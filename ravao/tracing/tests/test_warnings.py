"""What contacts are told (F1 and F2 differently, with the province's hotline) and PC-Covid's
automatic warnings: a province that turns them on has a new case's places and times published at
once and its F1 and F2 messaged, each person once per case, however often it runs."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from ravao.core.sms import ConsoleSMSBackend
from ravao.health.models import HealthContact
from ravao.tracing import alerts, services
from ravao.tracing.models import ExposureWindow, Notification
from ravao.tracing.tests.factories import make_person, make_visit
from ravao.venues.testing import make_venue

HOTLINE = "0234 3822 222"


@pytest.fixture(autouse=True)
def _english():
    # The texts are checked in English (SMS go out in the active language, Vietnamese by default).
    with translation.override("en"):
        yield


@pytest.fixture
def chain(small_map):
    """F0 at a café with F1; later F1 at a shop with F2; and someone at the café a day before."""
    unit = small_map.commune_a
    cafe, shop = make_venue(unit, "Quán cà phê Sông Hương"), make_venue(unit, "Tiệm tạp hóa Cô Ba")
    now = timezone.now().replace(microsecond=0)
    f0 = make_person("Ca Bệnh", phone="0905 000 001", unit=unit)
    f1 = make_person("Tiếp Xúc Một", phone="0905 000 002", unit=unit)
    f2 = make_person("Tiếp Xúc Hai", phone="0905 000 003", unit=unit)
    stranger = make_person("Người Lạ", phone="0905 000 004", unit=unit)
    make_visit(f0, cafe, now - timedelta(hours=6), 60)
    make_visit(f1, cafe, now - timedelta(hours=6, minutes=-10), 30)
    make_visit(f1, shop, now - timedelta(hours=3), 30)
    make_visit(f2, shop, now - timedelta(hours=3, minutes=-5), 20)
    make_visit(stranger, cafe, now - timedelta(hours=30), 20)
    return {"cafe": cafe, "shop": shop, "now": now, "f0": f0, "f1": f1, "f2": f2}


def open_case(tracer, chain, client_id=None):
    return services.case_open(
        user=tracer,
        phone="0905 000 001",
        infectious_from=chain["now"] - timedelta(days=1),
        infectious_to=chain["now"],
        client_id=client_id,
    )


def texts():
    return {phone: text for phone, text in ConsoleSMSBackend.outbox}


def test_f1_and_f2_are_told_different_things_with_the_hotline():
    when = timezone.now()
    f1 = alerts.notification_text(degree=1, venue_name="Quán A", when=when, hotline=HOTLINE)
    f2 = alerts.notification_text(degree=2, venue_name="Quán A", when=when, hotline=HOTLINE)
    assert f1 != f2 and HOTLINE in f1 and HOTLINE in f2
    assert "confirmed case (F0). You are a close contact (F1)" in f1
    # An F2 was never with the case itself: they are not told so.
    assert "same time as a confirmed case" not in f2 and "close contact (F1) of a confirmed case" in f2


def test_automatic_warnings_publish_the_windows_and_message_f1_and_f2_once(small_map, users, chain):
    HealthContact.objects.create(unit=small_map.province, hotline=HOTLINE, auto_warnings=True)
    ConsoleSMSBackend.outbox.clear()
    case = open_case(users["tracer"], chain, client_id=uuid.uuid4())
    assert case.warned == {"sent": 2, "already": 0, "unreachable": 0, "windows": 1}
    window = ExposureWindow.objects.get()
    cafe_visit_in = chain["now"] - timedelta(hours=6)
    assert window.venue == chain["cafe"] and window.case == case
    assert (window.starts_at, window.ends_at) == (
        cafe_visit_in - timedelta(hours=1),
        cafe_visit_in + timedelta(hours=2),
    )
    feed = Client().get("/api/v1/exposure-windows").json()["windows"]
    assert [w["venue"] for w in feed] == [chain["cafe"].code]
    sent = texts()
    assert "(F1)" in sent["+84905000002"] and "close contact (F1) of a confirmed case" in sent["+84905000003"]
    assert all(HOTLINE in text for text in sent.values()) and len(ConsoleSMSBackend.outbox) == 2
    # Again and again: nobody is warned twice for this case, no window is published twice.
    again = alerts.auto_warn(user=users["tracer"], case=case)
    assert again == {"sent": 0, "already": 2, "unreachable": 0, "windows": 1}
    replayed = open_case(users["tracer"], chain, client_id=case.client_id)
    assert replayed.pk == case.pk and replayed.warned is None
    assert len(ConsoleSMSBackend.outbox) == 2 and Notification.objects.count() == 2
    assert ExposureWindow.objects.count() == 1


def test_without_the_option_a_case_warns_nobody_by_itself(small_map, users, chain):
    HealthContact.objects.create(unit=small_map.province, hotline=HOTLINE, auto_warnings=False)
    ConsoleSMSBackend.outbox.clear()
    case = open_case(users["tracer"], chain)
    assert case.warned is None and not ExposureWindow.objects.exists() and not ConsoleSMSBackend.outbox


def test_a_tracer_notifying_twice_sends_once_with_the_province_hotline(small_map, users, chain):
    HealthContact.objects.create(unit=small_map.province, hotline=HOTLINE)
    ConsoleSMSBackend.outbox.clear()
    case = open_case(users["tracer"], chain)
    from ravao.testing import ApiClient

    api = ApiClient(users["tracer"])
    first = api.post(f"/cases/{case.pk}/notify", {"degree": 2}).json()
    second = api.post(f"/cases/{case.pk}/notify", {"degree": 2}).json()
    assert first == {"sent": 2, "already": 0, "unreachable": 0}
    assert second == {"sent": 0, "already": 2, "unreachable": 0}
    assert len(ConsoleSMSBackend.outbox) == 2 and all(HOTLINE in t for t in texts().values())
