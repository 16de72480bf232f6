"""Issue 15: the main pages run under the Content-Security-Policy (no 'unsafe-inline') without a
single violation or console error, and /api/v1/docs renders with no network beyond the site."""

import pytest

from ravao.testing import Role, make_user
from ravao.venues.models import MembershipRole, VenueMembership
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.browser

# Playwright's init scripts are not subject to the page's policy: they can watch it.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' '
                          + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def csp_context(chromium, live_server):
    """A phone profile that enforces the policy (the others bypass it: see testing_browser)."""
    from ravao import testing_browser

    context = testing_browser.new_phone_context(chromium, live_server.url, bypass_csp=False)
    yield context
    context.close()


def wait_until(page, expression, timeout=10.0):
    """Poll with page.evaluate (the DevTools protocol, not eval() in the page: allowed by CSP)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


@pytest.fixture
def watched(csp_context, live_server):
    """The phone context, with every request outside the live server refused (offline from the
    internet) and CSP violations and console errors collected per page."""
    csp_context.add_init_script(WATCH)
    csp_context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort("internetdisconnected")
        ),
    )
    errors = []

    def open_page(path, wait=None):
        page = csp_context.new_page()
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"{path}: {msg.text}"))
        page.on("pageerror", lambda exc: errors.append(f"{path}: {exc}"))
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if wait:
            wait_until(page, wait)
        violations = page.evaluate("window.__violations")
        assert violations == [], (path, violations)
        return page

    return open_page, errors


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Chợ Đông Ba")


def test_the_main_pages_report_no_policy_violation(watched, login_as, venue, small_map, csp_context):
    open_page, errors = watched
    open_page("/")
    page = open_page(f"/c/{venue.code}")
    assert page.locator("form").count() >= 1
    staff = make_user("csp_guard", Role.GATE_STAFF)
    VenueMembership.objects.create(user=staff, venue=venue, role=MembershipRole.STAFF)
    login_as(staff, csp_context)
    open_page("/gate/", wait="!!window.jsQR")
    official = make_user("csp_official", Role.PROVINCE_OFFICIAL, small_map.province)
    login_as(official, csp_context)
    open_page("/dashboard/")
    open_page("/oversight/", wait="!!window.Chart")
    assert errors == []


def test_the_api_docs_render_from_the_site_alone(watched):
    open_page, errors = watched
    page = open_page("/api/v1/docs")
    wait_until(page, "!!document.querySelector('.swagger-ui .info .title')", timeout=15)
    assert "Ravao API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 20
    assert page.evaluate("window.__violations") == []
    assert errors == []
