"""The second factor through the real pages: set-up with the QR code and the key, recovery codes
shown once, the code after the password, what an unverified session may reach, tokens, the reset
by the official above (audited) and the demo authenticator."""

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravao.accounts import secondfactor
from ravao.audit.models import AuditEntry
from ravao.testing import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]
EN = {"Accept-Language": "en"}


def code_for(device, ahead=0):
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time += ahead * device.step
    return f"{clock.token():06d}"


def log_in(username, password="pw-for-tests-1", client=None):
    client = client or Client(headers=EN)
    res = client.post("/accounts/login/", {"username": username, "password": password})
    assert res.status_code == 302, res.content.decode()[:500]
    return client


def enrol(client, user):
    page = client.get("/accounts/second-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    res = client.post("/accounts/second-factor/setup/", {"code": code_for(device), "next": "/dashboard/"})
    return page, device, res


@pytest.mark.parametrize(
    "name,required",
    [("national", True), ("province", True), ("tracer", True), ("auditor", True), ("commune_a", False),
     ("district_a", False), ("health", False), ("manager", False), ("staff", False)],
)  # fmt: skip
def test_the_policy_says_who_must_have_a_second_factor(users, name, required):
    assert secondfactor.required(users[name]) is required


@pytest.fixture
def no_retry_delay(settings):
    """django-otp makes the next try wait 1 s after a wrong code, 2 s after two…: tests that type
    the right code right after a wrong one turn that off (the delay is tested below)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_a_tracer_sets_up_the_app_then_confirms_each_log_in(users, no_retry_delay):
    tracer = users["tracer"]
    c = log_in("tracer")
    # Nothing with personal data before the second factor: pages redirect, the API refuses.
    res = c.get("/tracing/")
    assert res.status_code == 302 and res["Location"].startswith("/accounts/second-factor/setup/")
    api = c.get("/api/v1/cases")
    assert api.status_code == 403 and api.json()["code"] == "second_factor"

    page, device, res = enrol(c, tracer)
    html = page.content.decode()
    assert "<svg" in html and secondfactor.secret_text(device) in html  # QR drawn here, and the key as text
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", res.content.decode())
    assert res.status_code == 200 and len(codes) == 10
    assert c.get("/tracing/").status_code == 200

    # The next log-in asks for a code; a wrong one is refused, a recovery code works once.
    c = log_in("tracer")
    res = c.get("/dashboard/")
    assert res["Location"].startswith("/accounts/second-factor/?next=")
    bad = c.post("/accounts/second-factor/", {"code": "000000"})
    assert bad.status_code == 400 and "not right" in bad.content.decode()
    assert c.post("/accounts/second-factor/", {"code": codes[0], "next": "/tracing/"})["Location"] == "/tracing/"
    assert c.get("/tracing/").status_code == 200
    again = log_in("tracer")
    assert again.post("/accounts/second-factor/", {"code": codes[0]}).status_code == 400  # used up
    device.refresh_from_db()
    assert again.post("/accounts/second-factor/", {"code": code_for(device, ahead=1)}).status_code == 302
    assert again.get("/api/v1/cases").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(users, no_retry_delay):
    c = log_in("auditor")
    _page, _device, res = enrol(c, users["auditor"])
    old = re.findall(r"<code>([a-z2-7]{8})</code>", res.content.decode())
    res = c.post("/accounts/second-factor/manage/")
    new = re.findall(r"<code>([a-z2-7]{8})</code>", res.content.decode())
    assert len(new) == 10 and not set(old) & set(new)
    assert secondfactor.recovery_left(users["auditor"]) == 10
    c = log_in("auditor")
    assert c.post("/accounts/second-factor/", {"code": old[1]}).status_code == 400
    assert c.post("/accounts/second-factor/", {"code": new[1]}).status_code == 302


def test_an_api_token_keeps_working_without_the_code(users):
    """Tokens are issued to a logged-in (and verified) account and are a credential on their own."""
    assert ApiClient(users["tracer"]).get("/cases").status_code == 200


def test_others_may_enrol_and_then_must_confirm(users):
    c = log_in("commune_a")
    assert c.get("/dashboard/").status_code == 200  # not required
    enrol(c, users["commune_a"])
    c = log_in("commune_a")
    assert c.get("/dashboard/")["Location"].startswith("/accounts/second-factor/")


def test_the_official_above_resets_a_lost_device_and_it_is_audited(users):
    tracer = users["tracer"]
    enrol(log_in("tracer"), tracer)
    # A commune official does not manage tracers: the account is not even found.
    commune = log_in("commune_a")
    assert commune.post(f"/accounts/users/{tracer.pk}/second-factor-reset/").status_code == 404
    assert secondfactor.has_device(tracer)
    national = log_in("national")
    enrol(national, users["national"])
    res = national.post(f"/accounts/users/{tracer.pk}/second-factor-reset/")
    assert res.status_code == 302 and not secondfactor.has_device(tracer)
    entry = AuditEntry.objects.get(object_type="account_second_factor")
    assert entry.user == users["national"] and entry.object_id == str(tracer.pk) and entry.unit == tracer.unit
    # The tracer sets up a new one at the next log-in.
    assert log_in("tracer").get("/dashboard/")["Location"].startswith("/accounts/second-factor/setup/")


def test_a_wrong_code_delays_the_next_try_and_many_wait_for_the_window(users, settings):
    _page, device, _res = enrol(log_in("province"), users["province"])
    c = log_in("province")
    assert c.post("/accounts/second-factor/", {"code": "000000"}).status_code == 400
    device.refresh_from_db()
    right = code_for(device, ahead=1)
    assert c.post("/accounts/second-factor/", {"code": right}).status_code == 400  # within django-otp's delay
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    for _ in range(8):
        c.post("/accounts/second-factor/", {"code": "000000"})
    res = c.post("/accounts/second-factor/", {"code": right})
    assert res.status_code == 400 and "Too many wrong codes" in res.content.decode()


def test_the_demo_authenticator_shows_its_code_only_in_the_demo(users, settings):
    secondfactor.demo_enrol(users["province"])
    settings.RAVAO_DEMO = False
    c = log_in("province")
    assert "data-demo-code" not in c.get("/accounts/second-factor/").content.decode()
    settings.RAVAO_DEMO = True
    shown = re.search(r'data-demo-code="(\d{6})"', c.get("/accounts/second-factor/").content.decode()).group(1)
    assert c.post("/accounts/second-factor/", {"code": shown})["Location"] == "/dashboard/"
