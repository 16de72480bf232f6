"""Accessibility: axe-core (npm, copied to static/vendor by make, injected by the test only) over
every page of every role — visitor, gate staff, venue manager, commune/district/province
officials, tracer, auditor, administrator: no serious or critical violation.

Each role's pages are its menu (ravao/accounts/navigation.py, so a new page is checked as soon as
it is in a menu), its dashboard, and the detail and confirmation pages behind them."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from ravao.accounts.navigation import menu_for
from ravao.testing import Role, make_user
from ravao.tracing.models import Case
from ravao.tracing.tests.factories import BASE, make_person, make_visit
from ravao.venues.models import Entrance, MembershipRole, VenueMembership
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.browser
AXE = Path(settings.BASE_DIR) / "ravao" / "core" / "static" / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = """async () => {
  const r = await axe.run(document, {resultTypes: ["violations"]});
  return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.help + " — "
      + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def violations(page, url: str, *, method: str = "get", form: str | None = None) -> list[str]:
    """Serious or critical axe violations on ``url`` (after submitting ``form`` there, if given)."""
    page.goto(url)
    if form:
        page.click(form)
        page.wait_for_load_state()
    page.add_script_tag(path=str(AXE))
    return [f"{url}: {v}" for v in page.evaluate(SERIOUS)]


@pytest.fixture
def scene(small_map):
    m = small_map
    venue = make_venue(m.commune_a, "Chợ Đông Ba", "market")
    Entrance.objects.create(venue=venue, name="Cổng Bắc")
    manager = make_user("quanly", Role.VENUE_MANAGER)
    staff = make_user("baove", Role.GATE_STAFF)
    VenueMembership.objects.create(venue=venue, user=manager, role=MembershipRole.MANAGER)
    VenueMembership.objects.create(venue=venue, user=staff, role=MembershipRole.STAFF)
    tracer = make_user("truyvet", Role.TRACER, m.province)
    ca = make_person("Nguyễn Văn Ca", phone="0912345678", unit=m.commune_a)
    make_visit(ca, venue, BASE, 60)
    make_visit(make_person("Trần Thị Gần", phone="0987654321"), venue, BASE + timedelta(minutes=20), 60)
    case = Case.objects.create(
        person=ca,
        unit=m.commune_a,
        infectious_from=BASE - timedelta(days=1),
        infectious_to=BASE + timedelta(days=1),
        created_by=tracer,
    )
    return {
        "venue": venue,
        "case": case,
        "users": {
            "gate staff": staff,
            "venue manager": manager,
            "commune official": make_user("xa", Role.COMMUNE_OFFICIAL, m.commune_a),
            "district official": make_user("huyen", Role.DISTRICT_OFFICIAL, m.district_a),
            "province official": make_user("tinh", Role.PROVINCE_OFFICIAL, m.province),
            "tracer": tracer,
            "auditor": make_user("kiemtra", Role.AUDITOR, m.province),
            "admin": make_user("quantri", Role.NATIONAL_ADMIN),
        },
    }


def _pages_of(role: str, user, scene) -> list[tuple[str, str | None]]:
    """(url, a button to press there first, or None) for every page this role works with."""
    code, case = scene["venue"].code, scene["case"].pk
    pages = [("/dashboard/", None)] + [(item["url"], None) for item in menu_for(user)]
    if role in ("gate staff", "venue manager"):
        pages += [(f"/venues/{code}/", None), (f"/checkins/venues/{code}/", None)]
    if role == "venue manager":
        pages += [
            (f"/venues/{code}/edit/", None),
            (f"/venues/{code}/", "form[action$='/do/revoke/'] button"),  # the confirmation page
        ]
    if role.endswith("official"):
        pages += [(f"/venues/{code}/", None), (f"/oversight/venue/{code}/", None), ("/venues/new/", None)]
    if role == "tracer":
        pages += [
            (f"/tracing/cases/{case}/", None),
            (f"/tracing/cases/{case}/contacts/", None),
            (f"/tracing/cases/{case}/contacts/", "form[action*='/notify/'] button"),  # the preview
        ]
    return list(dict.fromkeys(pages))


def test_the_visitor_pages_have_no_serious_violation(page, scene):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make install` (it copies node_modules/axe-core to static/vendor)")
    code = scene["venue"].code
    found = []
    for url in ("/", "/accounts/login/", "/venues/register/", "/tracing/exposures/", "/nowhere/"):
        found += violations(page, url)
    found += violations(page, f"/c/{code}")
    page.fill("#full_name", "Lê Thị Hà")
    page.fill("#phone", "0987 111 222")
    page.fill("#birth_year", "1990")
    page.check("#q_commitment")
    page.click("#submit")
    page.wait_for_url("**/r/**")
    page.add_script_tag(path=str(AXE))
    found += [f"confirmation: {v}" for v in page.evaluate(SERIOUS)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "role",
    [
        "gate staff",
        "venue manager",
        "commune official",
        "district official",
        "province official",
        "tracer",
        "auditor",
        "admin",
    ],
)
def test_every_page_of_each_role_has_no_serious_violation(page, login_as, scene, role):
    user = scene["users"][role]
    login_as(user)
    found = []
    for url, button in _pages_of(role, user, scene):
        found += violations(page, url, form=button)
    assert not found, "\n".join(found)
