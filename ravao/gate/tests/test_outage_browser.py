"""Issue 15: a 503 (the database is briefly down) keeps the scan in the gate's queue, and the
queue sends it once the server answers again — exactly once."""

import json

import pytest

from ravao.checkins.models import Visit
from ravao.gate.tests.test_scanner_browser import card, hid_scan, open_scanner, wait_state

pytestmark = pytest.mark.browser

UNAVAILABLE = {
    "status": 503,
    "headers": {"Retry-After": "5", "Content-Type": "application/json"},
    "body": json.dumps({"detail": "The service is briefly unavailable (database).", "code": "unavailable"}),
}


def test_a_scan_answered_503_is_kept_and_sent_later(page, login_as, gate_staff, gate_venue):
    open_scanner(page, login_as, gate_staff)
    page.route("**/api/v1/scans", lambda route: route.fulfill(**UNAVAILABLE))
    hid_scan(page, card(1))
    wait_state(page, "queued")
    assert page.locator("#queue-count").get_attribute("data-count") == "1"
    page.wait_for_selector("#net-state.net-offline")  # later scans go straight to the queue
    page.evaluate("document.getElementById('feedback').dataset.state = 'idle'")
    hid_scan(page, card(2))
    wait_state(page, "queued")
    assert Visit.objects.count() == 0

    page.unroute("**/api/v1/scans")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # or the 15-second retry
    page.wait_for_selector("#queue-count[data-count='0']", timeout=20000)
    assert Visit.objects.count() == 2
    assert page.locator("#failed-list li").count() == 0
