"""The gate scanner in a real chromium at a phone viewport, against the live server and the real
scans API: the camera path (a fake camera filming a QR), the HID scanner path, typed numbers,
a declaration on the visitor's behalf, and offline scans that sync exactly once."""

import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from ravao import testing_browser
from ravao.checkins.models import Channel, HealthStatus, Visit
from ravao.gate.tests.conftest import CCCD, CCCD_6
from ravao.people.models import Person
from ravao.testing import Role, make_user
from ravao.venues.models import MembershipRole, VenueMembership

pytestmark = pytest.mark.browser


def open_scanner(page, login_as, user, context=None):
    login_as(user, context)
    page.goto("/gate/")
    page.wait_for_function("!!window.jsQR && document.activeElement && document.activeElement.id === 'hid'")


def hid_scan(page, text):
    """What a USB/Bluetooth scanner does: type the text into the focused field, then Enter."""
    page.keyboard.insert_text(text)
    page.keyboard.press("Enter")


def wait_state(page, state, timeout=8000):
    page.wait_for_selector(f"#feedback[data-state={state}]", timeout=timeout)
    return page.locator("#feedback")


def test_it_reads_a_chip_id_card_with_the_hid_scanner(page, login_as, gate_staff, gate_venue):
    open_scanner(page, login_as, gate_staff)
    started = time.monotonic()
    hid_scan(page, CCCD)
    fb = wait_state(page, "done")
    elapsed_ms = (time.monotonic() - started) * 1000

    assert "status-undeclared" in fb.get_attribute("class")
    assert page.locator("#fb-name").inner_text() == "N. V. An"
    assert "1990" in page.locator("#fb-year").inner_text()
    assert page.locator("#fb-inside").is_hidden()
    # The page measures its own scan-to-feedback time (server round trip included).
    assert int(fb.get_attribute("data-ms")) < 1500, elapsed_ms
    visit = Visit.objects.get()
    assert visit.venue_id == gate_venue.pk and visit.channel == Channel.CCCD

    # The field kept the focus: a second scan of the same card is the same visit (this
    # scanner ends with Tab instead of Enter).
    page.evaluate("document.getElementById('feedback').dataset.state = 'idle'")
    page.keyboard.insert_text(CCCD)
    page.keyboard.press("Tab")
    wait_state(page, "done")
    assert page.locator("#fb-inside").is_visible()
    assert Visit.objects.count() == 1


def personal_qr(card_text: str) -> str:
    """A person (created from an ID card) and the text of their signed personal QR."""
    from ravao.codes.signing import person_qr_text
    from ravao.people.identity import parse_cccd
    from ravao.people.services import person_from_card

    return person_qr_text(person=person_from_card(parse_cccd(card_text)))


@pytest.mark.parametrize(
    ("kind", "name", "year", "channel"),
    [("cccd", "T. T. Bình", "1985", Channel.CCCD), ("personal_qr", "N. V. An", "1990", Channel.PERSONAL_QR)],
)
def test_it_reads_a_qr_code_shown_to_the_camera(
    launch_chromium, live_server, login_as, gate_staff, gate_venue, tmp_path, kind, name, year, channel
):
    text = CCCD_6 if kind == "cccd" else personal_qr(CCCD)
    y4m = testing_browser.write_qr_y4m(text, tmp_path / "code.y4m")
    browser = launch_chromium(*testing_browser.fake_camera_args(y4m))
    context = testing_browser.new_phone_context(browser, live_server.url, permissions=["camera"])
    try:
        page = context.new_page()
        open_scanner(page, login_as, gate_staff, context)
        page.click("#camera-toggle")
        fb = wait_state(page, "done", timeout=15000)
        assert page.locator("#fb-name").inner_text() == name
        assert year in page.locator("#fb-year").inner_text()
        assert "status-undeclared" in fb.get_attribute("class")
        visit = Visit.objects.get()
        assert visit.channel == channel and visit.venue_id == gate_venue.pk
        # The camera keeps filming the same code: no second visit, no flood of scans.
        page.wait_for_timeout(1500)
        assert Visit.objects.count() == 1
    finally:
        context.close()


def manual_entry(page, number, year=""):
    page.fill("#manual-text", number)
    page.fill("#manual-year", year)
    page.click("#manual button[type=submit]")


def test_it_checks_in_a_typed_phone_number_and_explains_an_unknown_one(page, login_as, gate_staff, gate_venue):
    open_scanner(page, login_as, gate_staff)
    year = page.locator("#manual-year")
    assert year.get_attribute("inputmode") == "numeric" and year.get_attribute("pattern") == "[0-9]{4}"
    assert page.locator("label.manual-year").inner_text().startswith("Năm sinh")  # Vietnamese by default

    # No year of birth: the page asks for it before sending anything.
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/v1/scans" in r.url else None)
    manual_entry(page, "0905 111 222")
    page.wait_for_selector("#manual-error:not([hidden])")
    assert "năm sinh" in page.locator("#manual-error").inner_text().lower()
    assert requests == [] and page.locator("#feedback").get_attribute("data-state") == "idle"

    manual_entry(page, "0905 111 222", "1990")
    wait_state(page, "error")
    assert page.locator("#fb-detail").inner_text()  # "No one with this number and this birth year…"
    assert Visit.objects.count() == 0

    hid_scan(page, CCCD)  # the focus went back to the scanner field
    wait_state(page, "done")
    Visit.objects.all().delete()

    # The ID number of the card just scanned with a wrong year: refused, said clearly, no visit.
    manual_entry(page, "046090001234", "1991")
    wait_state(page, "error")
    detail = page.locator("#fb-detail").inner_text()
    assert "năm sinh" in detail.lower()  # "Năm sinh không khớp với số này…"
    assert page.locator("#manual-error").inner_text() == detail
    assert page.locator("#manual-text").input_value() == "046090001234"  # kept for a correction
    assert Visit.objects.count() == 0

    manual_entry(page, "046090001234", "1990")
    wait_state(page, "done")
    assert page.locator("#fb-name").inner_text() == "N. V. An"
    assert Visit.objects.get().channel == Channel.MANUAL
    assert page.locator("#manual-text").input_value() == "" and year.input_value() == ""
    assert page.locator("#manual-error").is_hidden()

    # The year typed after the number works too (the server reads it).
    page.check("input[name=direction][value=out]")
    manual_entry(page, "046090001234 1990")
    wait_state(page, "done")
    assert page.locator("#fb-status").inner_text()
    assert Visit.objects.get().checkout_method == "scan"


def test_it_refuses_a_venue_poster_with_a_clear_message(page, login_as, gate_staff, gate_venue):
    from ravao.codes.signing import venue_qr_url

    open_scanner(page, login_as, gate_staff)
    hid_scan(page, venue_qr_url(venue=gate_venue))
    wait_state(page, "error")
    assert "status-" not in page.locator("#feedback").get_attribute("class")
    assert page.locator("#fb-detail").inner_text()  # the server's reason, in the page's language
    assert Visit.objects.count() == 0


def test_staff_record_a_declaration_for_an_undeclared_visitor(page, login_as, gate_staff, gate_venue):
    open_scanner(page, login_as, gate_staff)
    assert page.locator("#declare-open").is_hidden()
    hid_scan(page, CCCD)
    wait_state(page, "done")
    assert page.locator("#declare-form").is_hidden()
    page.click("#declare-open")
    page.check("#declare-form input[name=symptoms][value=cough]")
    page.check("#declare-form input[name=commitment]")
    page.click("#declare-form button[type=submit]")
    page.wait_for_selector("#feedback.status-yellow")
    assert Visit.objects.get().status == HealthStatus.YELLOW


def test_it_records_each_scan_at_the_chosen_entrance_and_direction(page, login_as, gate_staff, gate_venue):
    back = gate_venue.entrances.get(name="Cổng sau")
    open_scanner(page, login_as, gate_staff)
    page.select_option("#entrance", str(back.pk))
    hid_scan(page, CCCD)
    wait_state(page, "done")
    visit = Visit.objects.get()
    assert visit.entrance_id == back.pk

    page.check("input[name=direction][value=out]")
    page.evaluate("document.getElementById('feedback').dataset.state = 'idle'")
    hid_scan(page, CCCD)
    wait_state(page, "done")
    visit.refresh_from_db()
    assert visit.checkout_method == "scan"
    assert Visit.objects.count() == 1

    # The direction is remembered per entrance (a phone at the exit door stays on "Out").
    page.select_option("#entrance", "")
    assert page.is_checked("input[name=direction][value=in]")
    page.select_option("#entrance", str(back.pk))
    assert page.is_checked("input[name=direction][value=out]")
    page.reload()
    page.wait_for_function("!!window.jsQR")
    assert page.locator("#entrance").input_value() == str(back.pk)
    assert page.is_checked("input[name=direction][value=out]")


def test_an_offline_scan_is_queued_then_synced_exactly_once(page, login_as, gate_staff, gate_venue, phone_context):
    open_scanner(page, login_as, gate_staff)
    phone_context.set_offline(True)
    before = timezone.now()
    hid_scan(page, CCCD)
    wait_state(page, "queued")
    assert page.locator("#queue-count").get_attribute("data-count") == "1"
    assert page.locator("#fb-name").inner_text() == "N. V. An"  # read on the device
    assert "net-offline" in page.locator("#net-state").get_attribute("class")
    page.wait_for_timeout(1500)
    assert Visit.objects.count() == 0

    back_online = timezone.now()
    phone_context.set_offline(False)
    page.wait_for_selector("#queue-count[data-count='0']", timeout=10000)
    page.wait_for_timeout(500)
    visit = Visit.objects.get()
    # The original scan time, not the time of the sync.
    assert before - timedelta(seconds=1) <= visit.checked_in_at <= back_online - timedelta(seconds=1)
    # A reload and another sync round send nothing twice.
    page.reload()
    page.wait_for_function("!!window.jsQR")
    page.wait_for_timeout(500)
    assert Visit.objects.count() == 1 and Person.objects.count() == 1


def test_the_phone_enrols_a_key_and_signs_what_it_queues(page, login_as, gate_staff, gate_venue, phone_context):
    """Issue 14: back-dated scans need proof; the phone signs each queued scan with a key that
    the account enrolled while online, and the server checks that signature."""
    from ravao.accounts.devices import device_signed, scan_message
    from ravao.accounts.models import DeviceKey

    open_scanner(page, login_as, gate_staff)
    page.wait_for_function(
        """() => new Promise((resolve) => {
        indexedDB.open('ravao-gate').onsuccess = (e) => {
            e.target.result.transaction('device').objectStore('device').getAll().onsuccess = (r) =>
                resolve(r.target.result.length === 1 && !!r.target.result[0].id);
        };
    })""",
        timeout=8000,
    )
    device = DeviceKey.objects.get(user=gate_staff)
    phone_context.set_offline(True)
    hid_scan(page, CCCD)
    wait_state(page, "queued")
    body = read_store(page, "queue")[0]["body"]
    assert body["device"] == device.pk and body["signature"]
    scanned_at = datetime.fromisoformat(body["scanned_at"].replace("Z", "+00:00"))
    message = scan_message(
        client_id=body["client_id"],
        venue=body["venue"],
        entrance_id=body["entrance"],
        direction=body["direction"],
        scanned_at=scanned_at,
        text=body["text"],
        birth_year=body.get("birth_year"),
    )
    assert device_signed(user=gate_staff, device_id=body["device"], signature=body["signature"], message=message)
    tampered = scan_message(
        client_id=body["client_id"],
        venue=body["venue"],
        entrance_id=body["entrance"],
        direction=body["direction"],
        scanned_at=scanned_at - timedelta(hours=2),
        text=body["text"],
        birth_year=body.get("birth_year"),
    )
    assert not device_signed(user=gate_staff, device_id=body["device"], signature=body["signature"], message=tampered)


def test_offline_personal_qr_codes_are_verified_on_the_device(page, login_as, gate_staff, gate_venue, phone_context):
    good = personal_qr(CCCD)
    person = Person.objects.get()
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    open_scanner(page, login_as, gate_staff)
    page.wait_for_function("localStorage.getItem('ravao-gate-keys') !== null")
    phone_context.set_offline(True)

    hid_scan(page, forged)
    wait_state(page, "error")
    assert page.locator("#queue-count").get_attribute("data-count") == "0"

    hid_scan(page, good)
    fb = wait_state(page, "queued")
    assert int(fb.get_attribute("data-ms")) < 300  # signature checked and queued on the device
    assert page.locator("#fb-name").inner_text() == "N. V. An"
    assert page.locator("#feedback").get_attribute("data-verified") == "yes"
    signed = page.evaluate("""async () => {
        const k = JSON.parse(localStorage.getItem('ravao-gate-keys')).keys[0];
        const raw = Uint8Array.from(atob(k.public_key), c => c.charCodeAt(0));
        try { await crypto.subtle.importKey('raw', raw, {name: 'Ed25519'}, false, ['verify']); return true; }
        catch (e) { return false; }
    }""")
    assert signed, "this chromium cannot verify Ed25519 signatures"

    phone_context.set_offline(False)
    page.wait_for_selector("#queue-count[data-count='0']", timeout=10000)
    visit = Visit.objects.get()
    assert visit.person_id == person.pk and visit.channel == Channel.PERSONAL_QR


def test_the_installed_page_opens_without_a_network(page, login_as, gate_staff, gate_venue, phone_context):
    open_scanner(page, login_as, gate_staff)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    page.wait_for_function("!!navigator.serviceWorker.controller && !!window.jsQR")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone"
    # What chromium itself says about installing the page as an app.
    cdp = phone_context.new_cdp_session(page)
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    cdp.detach()
    assert [e for e in errors if e != "in-incognito"] == []  # Playwright's profiles are incognito

    phone_context.set_offline(True)
    page.reload()
    page.wait_for_function("!!window.jsQR && typeof gettext === 'function'")
    assert page.locator("#venue").input_value() == gate_venue.code
    page.wait_for_selector("#net-state.net-offline")
    hid_scan(page, CCCD)
    wait_state(page, "queued")
    phone_context.set_offline(False)
    page.wait_for_selector("#queue-count[data-count='0']", timeout=10000)
    assert Visit.objects.count() == 1


def test_queued_scans_survive_an_expired_session_and_refusals_stay_visible(
    page, login_as, gate_staff, gate_venue, phone_context
):
    from django.contrib.sessions.models import Session

    open_scanner(page, login_as, gate_staff)
    phone_context.set_offline(True)
    hid_scan(page, CCCD)
    wait_state(page, "queued")
    manual_entry(page, "0905 111 222", "1990")  # nobody has checked in with this number
    page.wait_for_selector("#queue-count[data-count='2']")
    manual_entry(page, "x0905", "1990")  # not a number: the server's reason quotes it
    page.wait_for_selector("#queue-count[data-count='3']")
    queued = read_store(page, "queue")
    typed = [q for q in queued if q["body"]["text"] == "0905 111 222"]
    assert len(typed) == 1 and typed[0]["body"]["birth_year"] == 1990
    assert {q["user"] for q in queued} == {"gate_guard"}
    assert page.locator("#manual-text").input_value() == ""  # queued: both fields cleared

    # The session ends while the gate is offline: nothing is lost, nothing is refused.
    Session.objects.all().delete()
    phone_context.set_offline(False)
    page.wait_for_selector("#gate[data-login=needed]")
    assert page.locator("#queue-count").get_attribute("data-count") == "3"
    assert Visit.objects.count() == 0

    # Logged in again: the card is checked in, the typed numbers are kept as visible refusals.
    login_as(gate_staff)
    page.reload()
    # The count reads 0 before the page has loaded its queue: wait on the store itself.
    wait_queue_empty(page)
    page.wait_for_selector("#failed-list li:nth-child(2)", timeout=10000)
    assert page.locator("#queue-count").get_attribute("data-count") == "0"
    assert Visit.objects.count() == 1
    assert page.locator("#failed").is_visible()
    assert page.locator("#failed-list li").count() == 2
    # The refusal is kept without the scanned text (personal data stays on the device no longer).
    kept = read_store(page, "failed")
    assert len(kept) == 2 and "905" not in str(kept) and "222" not in str(kept)
    assert sorted(k["status"] for k in kept) == [400, 404]
    assert "“…”" in page.locator("#failed-list").inner_text()  # the reason, without the number
    page.click("#failed-clear")
    page.wait_for_selector("#failed", state="hidden")


def read_store(page, store):
    """The items of one IndexedDB store of the page (``queue`` or ``failed``)."""
    return page.evaluate(
        """(store) => new Promise((resolve) => {
        indexedDB.open('ravao-gate').onsuccess = (e) => {
            e.target.result.transaction(store).objectStore(store).getAll().onsuccess = (r) => resolve(r.target.result);
        };
    })""",
        store,
    )


def wait_queue_empty(page, timeout=10.0):
    """Until the page's queue is empty and its last request has been answered."""
    deadline = time.monotonic() + timeout
    while read_store(page, "queue") and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert read_store(page, "queue") == []
    page.wait_for_timeout(300)


def test_a_shared_phone_sends_queued_scans_only_for_the_account_that_made_them(
    page, login_as, gate_staff, gate_venue, phone_context
):
    from django.contrib.sessions.models import Session

    from ravao.people.identity import parse_cccd
    from ravao.people.services import person_from_card

    person_from_card(parse_cccd(CCCD))  # known, born 1990: a typed number can find them
    other = make_user("gate_guard_b", Role.GATE_STAFF)
    VenueMembership.objects.create(user=other, venue=gate_venue, role=MembershipRole.STAFF)

    # Guard A scans offline: a card and a typed number with its year of birth.
    open_scanner(page, login_as, gate_staff)
    phone_context.set_offline(True)
    hid_scan(page, CCCD_6)
    wait_state(page, "queued")
    manual_entry(page, "046090001234", "1990")
    page.wait_for_selector("#queue-count[data-count='2']")

    # A's shift ends; guard B logs in on the same phone with the network back.
    Session.objects.all().delete()
    phone_context.set_offline(False)
    page.wait_for_selector("#gate[data-login=needed]")
    login_as(other)
    # B logged in (in another tab): the page opened for A sends nothing until it is reopened.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1000)
    assert Visit.objects.count() == 0
    page.reload()
    page.wait_for_selector("#others:not([hidden])")
    assert page.locator("#queue-count").get_attribute("data-count") == "0"
    row = page.locator("#others-list li")
    assert row.count() == 1 and "gate_guard" in row.inner_text() and "2" in row.inner_text()
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a sync round: still nothing
    page.wait_for_timeout(1500)
    assert Visit.objects.count() == 0 and len(read_store(page, "queue")) == 2

    # B's own scans go through as usual.
    hid_scan(page, card(5))
    wait_state(page, "done")
    assert Visit.objects.count() == 1

    # A logs in again: A's scans are sent, the typed one with its year.
    login_as(gate_staff)
    page.reload()
    page.wait_for_selector("#others", state="hidden")
    wait_queue_empty(page)
    assert sorted(Visit.objects.values_list("channel", flat=True)) == sorted(
        [Channel.CCCD, Channel.CCCD, Channel.MANUAL]
    )
    assert page.locator("#failed").is_hidden()

    # A queues one more offline, then B discards it: it is never sent.
    phone_context.set_offline(True)
    page.evaluate("document.getElementById('feedback').dataset.state = 'idle'")
    hid_scan(page, card(6))
    wait_state(page, "queued")
    Session.objects.all().delete()
    phone_context.set_offline(False)
    page.wait_for_selector("#gate[data-login=needed]")
    login_as(other)
    page.reload()
    page.wait_for_selector("#others:not([hidden])")
    page.click("#others-list button.others-discard")
    page.wait_for_selector("#others", state="hidden")
    assert read_store(page, "queue") == []
    login_as(gate_staff)
    page.reload()
    page.wait_for_function("!!window.jsQR")
    page.wait_for_timeout(1000)
    assert Visit.objects.count() == 3 and Person.objects.count() == 3  # An, Bình, guest 5


def card(i: int) -> str:
    return f"0460900{i:05d}|19{i:07d}|Nguyễn Văn Khách {i}|01011990|Nam|Huế|15062021"


def test_feedback_comes_within_300_ms(page, login_as, gate_staff, gate_venue):
    """Scan-to-colour time measured by the page itself, server round trip included."""
    open_scanner(page, login_as, gate_staff)
    hid_scan(page, card(0))  # warm-up (first request of the server thread, key import)
    wait_state(page, "done")
    times = []
    for i in range(1, 11):
        page.evaluate("document.getElementById('feedback').dataset.state = 'idle'")
        hid_scan(page, card(i))
        times.append(int(wait_state(page, "done").get_attribute("data-ms")))
    times.sort()
    print(f"gate scan-to-feedback ms: median {times[5]}, max {times[-1]}, all {times}")
    assert times[5] < 300, times
    assert Visit.objects.count() == 11


def test_an_unreachable_server_does_not_stop_the_gate(page, login_as, gate_staff, gate_venue):
    """The phone says it is online but requests fail (a dead Wi-Fi, a server down): the first
    scan is queued after a short wait, the next ones at once, and all are sent later, once."""
    open_scanner(page, login_as, gate_staff)
    page.route("**/api/v1/scans", lambda route: route.abort("connectionrefused"))
    hid_scan(page, card(1))
    wait_state(page, "queued")
    page.wait_for_selector("#net-state.net-offline")
    page.evaluate("document.getElementById('feedback').dataset.state = 'idle'")
    hid_scan(page, card(2))
    fb = wait_state(page, "queued")
    assert int(fb.get_attribute("data-ms")) < 300
    assert page.locator("#queue-count").get_attribute("data-count") == "2"

    page.unroute("**/api/v1/scans")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # or the 15-second retry
    page.wait_for_selector("#queue-count[data-count='0']", timeout=10000)
    page.wait_for_selector("#net-state.net-online")
    assert Visit.objects.count() == 2
