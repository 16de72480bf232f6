"""The policy module: one table of capabilities, its generated documentation, and the rules that
pages, the API and commands now share through the services (bulk posters, staff)."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ravao.accounts import policy
from ravao.accounts.models import Role, User
from ravao.accounts.policytable import DOC, document
from ravao.core.errors import Forbidden
from ravao.testing import ApiClient
from ravao.venues.models import MembershipRole, VenueMembership
from ravao.venues.services import posters_bulk
from ravao.venues.staff import invitation_answer, staff_create, staff_invite, staff_remove
from ravao.venues.testing import make_venue

ROOT = Path(__file__).resolve().parents[3]


def test_docs_roles_md_is_generated_from_the_module():
    current = DOC.read_text(encoding="utf-8")
    assert document(current) == current, "docs/roles.md is out of date: run `ravao policytable`"


def test_every_capability_names_real_roles_and_a_misspelt_one_fails_loudly():
    for cap in policy.CAPABILITIES.values():
        assert set(cap.holders) <= set(Role.values)
    with pytest.raises(LookupError):
        policy.can(None, "venue.suspnd")


def test_every_refusal_is_translated():
    messages = {cap.denied for cap in policy.CAPABILITIES.values()}
    for message in messages:
        with translation.override("en"):
            english = str(message)
        with translation.override("vi"):
            assert str(message) != english, english


def test_no_role_decision_outside_the_policy_module():
    """Role names and role sets appear only in policy.py (and the Role choices in models.py);
    elsewhere only where an account is given its role (the demo accounts, the system actor)
    or the roles are listed as choices."""
    allowed = {
        "ravao/accounts/demo.py",  # one demo account per role
        "ravao/oversight/dispatch.py",  # the unsaved national "system" actor of scheduled jobs
        "ravao/oversight/guides.py",  # guide names ("tracer", "auditor") are audiences, not roles
        "ravao/accounts/policytable.py",
        "ravao/accounts/forms.py",  # the roles listed, in order
        "ravao/accounts/management/commands/adduser.py",
    }
    pattern = re.compile(
        r"(?<!Membership)Role\.[A-Z_]+|\bhas_role\(|effective_role (==|!=|in|not in) |"
        r"[\"'](" + "|".join(Role.values) + r")[\"']"
    )
    found = []
    for path in sorted((ROOT / "ravao").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if (
            "/tests/" in rel
            or "/migrations/" in rel
            or rel in allowed
            or rel.endswith(("accounts/policy.py", "accounts/models.py"))
        ):
            continue
        found += [f"{rel}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert found == []


@pytest.mark.django_db
def test_a_superuser_counts_as_national_and_a_deactivated_account_may_do_nothing(users):
    root = User.objects.create(username="root", is_superuser=True, role=Role.GATE_STAFF)
    assert policy.can(root, "venue.suspend") and policy.can(root, "tracing.trace")
    users["national"].is_active = False
    assert not policy.can(users["national"], "tokens.manage")
    assert not policy.can(None, "guides.read")


@pytest.mark.django_db
def test_the_area_condition_follows_the_jurisdiction_and_the_sector(users, small_map):
    clinic = make_venue(small_map.commune_a, "Trạm y tế", "clinic")
    assert policy.can(users["commune_a"], "venue.verify", clinic)
    assert policy.can(users["health"], "venue.verify", clinic)
    assert not policy.can(users["commune_b"], "venue.verify", clinic)
    assert not policy.can(users["education"], "venue.verify", clinic)
    # Without the object, the role alone answers (the menu; "some venue").
    assert policy.can(users["commune_b"], "venue.verify")
    with translation.override("en"), pytest.raises(Forbidden, match="Only officials"):
        policy.require(users["commune_b"], "venue.verify", clinic)


# --- bulk posters: one rule for the page, the API and `ravao posters` ----------------------------


@pytest.fixture
def venues(small_map, users):
    a = make_venue(small_map.commune_a, "Quán A")
    b = make_venue(small_map.commune_b, "Quán B")
    VenueMembership.objects.create(venue=a, user=users["manager"], role=MembershipRole.MANAGER)
    return a, b


@pytest.mark.django_db
def test_bulk_posters_are_for_officials_and_only_their_area(users, venues):
    _pdf, count = posters_bulk(by=users["commune_a"])
    assert count == 1
    assert posters_bulk(by=users["province"])[1] == 2
    for who in ("manager", "staff", "tracer"):
        with pytest.raises(Forbidden):
            posters_bulk(by=users[who])


@pytest.mark.django_db
def test_the_command_prints_as_the_operator_or_as_an_official_only(users, venues, small_map, tmp_path):
    out = tmp_path / "p.pdf"
    call_command("posters", "--unit", small_map.province.code, "--out", str(out))
    assert out.stat().st_size > 0
    call_command("posters", "--as", "commune_a", "--out", str(out))
    with pytest.raises(CommandError, match="in hàng loạt"):  # the command speaks Vietnamese
        call_command("posters", "--as", "manager", "--out", str(out))


@pytest.mark.django_db
def test_the_api_and_the_page_refuse_bulk_posters_alike(users, venues):
    assert ApiClient(users["tracer"]).get("/venues/bulk-posters").status_code == 403
    assert ApiClient(users["commune_a"]).get("/venues/bulk-posters").status_code == 200


# --- staff: linked and removed by the venue's managers and officials of its area -----------------


@pytest.mark.django_db
def test_staff_are_added_by_the_venues_managers_and_area_officials_only(users, venues):
    a, _b = venues
    membership, generated = staff_create(venue=a, by=users["manager"], username="baove_a", role="staff")
    assert generated and membership.user.role == Role.GATE_STAFF
    staff_invite(venue=a, by=users["commune_a"], username="baove_a", role="manager")
    invitation_answer(user=membership.user, membership_id=membership.pk, accept=True)
    membership.refresh_from_db()
    membership.user.refresh_from_db()
    assert membership.role == "manager" and membership.user.role == Role.GATE_STAFF  # the account's role stays
    for who in ("commune_b", "staff", "tracer"):
        with pytest.raises(Forbidden):
            staff_create(venue=a, by=users[who], username="baove_x", role="staff")
        with pytest.raises(Forbidden):
            staff_invite(venue=a, by=users[who], username="baove_a", role="staff")
    with pytest.raises(Forbidden):
        staff_remove(membership=membership, by=users["commune_b"])
    staff_remove(membership=membership, by=users["manager"])
