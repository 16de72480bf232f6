"""On a phone-sized browser: an owner logs in with the phone as typed; a tracer sets up the second
factor (QR code and key shown), keeps the recovery codes, and confirms the next log-in."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravao.testing import Role, make_user

pytestmark = [pytest.mark.browser, pytest.mark.real_second_factor]


def code_for(device, ahead=0):
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time += ahead * device.step
    return f"{clock.token():06d}"


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")


def test_an_owner_logs_in_with_the_phone_as_written_on_the_phone(page, small_map):
    make_user("owner-0a0b0c0d", Role.VENUE_MANAGER, phone="+84935246810", password="owner-pass-1")
    log_in(page, "0935 246 810", "owner-pass-1")
    page.wait_for_url("**/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_tracer_sets_up_the_second_factor_and_confirms_the_next_log_in(page, small_map, phone_context):
    tracer = make_user("truyvet", Role.TRACER, small_map.province, password="tracer-pass-1")
    log_in(page, "truyvet", "tracer-pass-1")
    page.wait_for_url("**/accounts/second-factor/setup/**")
    assert page.locator(".qr svg").is_visible() and page.locator("#secret").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    device = TOTPDevice.objects.get(user=tracer, confirmed=False)
    page.fill("#id_code", code_for(device))
    page.click("main form button[type=submit]")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    page.click("#recovery-codes + p a")  # "I have kept them: continue"
    page.wait_for_url("**/dashboard/")

    phone_context.clear_cookies()
    log_in(page, "truyvet", "tracer-pass-1")
    page.wait_for_url("**/accounts/second-factor/?next=**")
    device.refresh_from_db()
    page.fill("#id_code", code_for(device, ahead=1))
    page.click("main form.narrow button[type=submit]")
    page.wait_for_url("**/dashboard/")
