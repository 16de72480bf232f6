"""Fixtures shared by every app's tests (see ravao/testing.py for the helpers behind them)."""

import pytest

from ravao.testing import Role, make_small_map, make_user


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Real hashers cost ~0.5 s a password by design; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_passed_on_test_logins(request, monkeypatch):
    """``client.login``/``force_login`` (and the browser's ``login_as``, which uses it) give a
    session that has passed the second factor where the account needs one, as a real log-in
    would after the code. Tests of the second factor itself use the log-in page, or mark
    themselves ``real_second_factor``."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test.client import ClientMixin

    from ravao.accounts import secondfactor
    from ravao.testing import verify_second_factor

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        if secondfactor.required(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture
def small_map(db):
    return make_small_map()


@pytest.fixture
def users(small_map):
    """One user per role, with sibling officials for scoping tests."""
    m = small_map
    return {
        "national": make_user("national", Role.NATIONAL_ADMIN),
        "province": make_user("province", Role.PROVINCE_OFFICIAL, m.province),
        "other_province": make_user("other_province", Role.PROVINCE_OFFICIAL, m.other_province),
        "commune_a": make_user("commune_a", Role.COMMUNE_OFFICIAL, m.commune_a),
        "commune_b": make_user("commune_b", Role.COMMUNE_OFFICIAL, m.commune_b),
        "district_a": make_user("district_a", Role.DISTRICT_OFFICIAL, m.district_a),
        "district_b": make_user("district_b", Role.DISTRICT_OFFICIAL, m.district_b),
        "health": make_user("health", Role.SECTOR_OFFICIAL, m.province, "health"),
        "education": make_user("education", Role.SECTOR_OFFICIAL, m.province, "education"),
        "tracer": make_user("tracer", Role.TRACER, m.province),
        "auditor": make_user("auditor", Role.AUDITOR, m.province),
        "manager": make_user("manager", Role.VENUE_MANAGER),
        "staff": make_user("staff", Role.GATE_STAFF),
    }


# --- Browser tests (Playwright + Debian's chromium; helpers in ravao/testing_browser.py) -------
# Everything here is function-scoped on purpose: Playwright's sync API leaves its event loop
# marked "running" in the main thread while it is started, which makes Django hand out other
# database connections (asgiref treats the thread as async). Starting it per test (about 1 s)
# keeps that confined to browser tests, after the database has been prepared for the test.


def pytest_terminal_summary(terminalreporter):
    """One line, not one per test, when the browser tests were skipped for want of chromium."""
    from ravao import testing_browser

    skipped = terminalreporter.stats.get("skipped", [])
    if any(testing_browser.MISSING in str(getattr(r, "longrepr", "")) for r in skipped):
        terminalreporter.write_line(testing_browser.MISSING, yellow=True, bold=True)


@pytest.fixture(scope="session")
def _migration_data_restored_at_exit(django_db_setup, django_db_blocker):
    """Transactional tests leave empty tables behind; with --reuse-db the next run would find
    no sectors, venue types or questionnaires. Put back what migrations loaded, at the end."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            data = getattr(connection, "_test_serialized_contents", None)
            if data:
                connection.creation.deserialize_db_from_string(data)


@pytest.fixture
def playwright_instance(monkeypatch, live_server, django_db_serialized_rollback, _migration_data_restored_at_exit):
    """Playwright, started for one test. The live server needs ``transactional_db``, which
    empties tables after each test; serialized rollback restores the rows that migrations load
    (sectors, venue types, questionnaires) before the next one."""
    from ravao import testing_browser

    if not testing_browser.chromium_available():
        if testing_browser.REQUIRED:
            pytest.fail(testing_browser.MISSING.replace("skipped", "required (RAVAO_REQUIRE_BROWSER=1)"))
        pytest.skip(testing_browser.MISSING)
    # The test's own ORM calls are plain synchronous calls made between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw
        # Close the connections opened while the loop was running (PostgreSQL would keep them).
        connections.close_all()


@pytest.fixture
def launch_chromium(playwright_instance):
    """``launch_chromium(*extra_args)``: a headless chromium with extra flags (e.g. a fake
    camera: ``testing_browser.fake_camera_args(y4m)``), closed after the test."""
    from ravao import testing_browser

    browsers = {}

    def launch(*extra_args: str):
        key = tuple(extra_args)
        if key not in browsers:
            browsers[key] = testing_browser.launch(playwright_instance, key)
        return browsers[key]

    yield launch
    for browser in browsers.values():
        browser.close()


@pytest.fixture
def chromium(launch_chromium):
    return launch_chromium()


@pytest.fixture
def phone_context(chromium, live_server):
    """A fresh phone-shaped browser profile (360×740, touch, vi-VN) pointed at the live server."""
    from ravao import testing_browser

    context = testing_browser.new_phone_context(chromium, live_server.url)
    yield context
    context.close()


@pytest.fixture
def page(phone_context):
    """A page in ``phone_context``; ``page.goto("/path")`` is relative to the live server."""
    return phone_context.new_page()


@pytest.fixture
def login_as(phone_context, live_server):
    """``login_as(user)`` (or ``login_as(user, context)``): the browser's session cookie
    becomes ``user``'s, without going through the login form."""
    from ravao import testing_browser

    def login(user, context=None):
        testing_browser.login(context or phone_context, user, live_server.url)
        return user

    return login


@pytest.fixture(autouse=True)
def _hot_cache_cleared():
    """The check-in hot path keeps venues, memberships and tokens per process for a few seconds
    (ravao/core/hotcache.py), and rate limits count in Django's cache (per process here): each
    test starts without either (ids and typed numbers recur across tests on one worker; a number
    typed in eleven tests would otherwise meet RAVAO_TYPED_NUMBER_LIMIT), nor cached form versions."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from ravao.core import hotcache
    from ravao.people import questionnaires

    hotcache.clear()
    # Published form versions are cached by name (immutable in a real deployment); tests publish
    # different forms under the same name in databases that are rolled back.
    questionnaires.forget_cached()
    if isinstance(caches["default"], LocMemCache):  # never a shared Redis other workers use
        caches["default"].clear()
    yield
    hotcache.clear()
    questionnaires.forget_cached()
