"""The health department's list of red and yellow declarants: scoped to the area (two sibling
officials), only tracers and health-sector officials, audited, exported, marked followed up."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ravao.audit.models import AuditEntry
from ravao.health.models import FollowUp
from ravao.people.models import Declaration
from ravao.people.services import declaration_record
from ravao.testing import Role, make_user
from ravao.tracing.tests.factories import make_person


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def declared(small_map):
    a = make_person("Nguyễn Thị Đỏ", phone="0905 111 001", unit=small_map.commune_a)
    b = make_person("Trần Văn Vàng", phone="0905 111 002", unit=small_map.commune_b)
    c = make_person("Lê Văn Xanh", phone="0905 111 003", unit=small_map.commune_a)
    return {
        "red_a": declaration_record(person=a, answers={"commitment": True, "contact_case": True}),
        "yellow_b": declaration_record(person=b, answers={"commitment": True, "contact_symptomatic": True}),
        "green_a": declaration_record(person=c, answers={"commitment": True}),
    }


def names(response):
    return [n for n in ("Nguyễn Thị Đỏ", "Trần Văn Vàng", "Lê Văn Xanh") if n in response.content.decode()]


def test_sibling_officials_see_their_own_area_only(small_map, users, declared):
    tracer_a = make_user("tracer_a", Role.TRACER, small_map.commune_a)
    tracer_b = make_user("tracer_b", Role.TRACER, small_map.commune_b)
    assert names(logged_in(tracer_a).get("/health/")) == ["Nguyễn Thị Đỏ"]
    assert names(logged_in(tracer_b).get("/health/")) == ["Trần Văn Vàng"]
    assert names(logged_in(users["tracer"]).get("/health/")) == ["Nguyễn Thị Đỏ", "Trần Văn Vàng"]
    assert names(logged_in(users["health"]).get("/health/")) == ["Nguyễn Thị Đỏ", "Trần Văn Vàng"]


@pytest.mark.parametrize("who", ["education", "commune_a", "staff", "manager"])
def test_others_may_not_see_it(users, declared, who):
    assert logged_in(users[who]).get("/health/").status_code == 403


def test_reads_and_exports_are_audited_and_the_export_is_safe(users, declared):
    client = logged_in(users["tracer"])
    client.get("/health/?status=red")
    assert AuditEntry.objects.filter(object_type="risk_declarants", action="read").count() == 1
    export = client.get("/health/declarants.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[3] for r in rows[1:]} == {"Nguyễn Thị Đỏ", "Trần Văn Vàng"}
    assert AuditEntry.objects.filter(object_type="risk_declarants", action="export").count() == 1


def test_a_follow_up_is_marked_once_and_filtered(small_map, users, declared):
    client = logged_in(users["health"])
    red = declared["red_a"]
    for _ in range(2):
        assert client.post(f"/health/declarations/{red.pk}/followed-up", {"done": "1"}).status_code == 302
    assert FollowUp.objects.filter(declaration=red).count() == 1
    assert names(client.get("/health/?pending=1")) == ["Trần Văn Vàng"]
    # Another area's declaration: 404, nothing marked.
    tracer_b = make_user("tracer_b", Role.TRACER, small_map.commune_b)
    logged_in(tracer_b).post(f"/health/declarations/{red.pk}/followed-up", {"done": "0"})
    assert FollowUp.objects.filter(declaration=red).exists()
    green = Declaration.objects.get(pk=declared["green_a"].pk)
    client.post(f"/health/declarations/{green.pk}/followed-up", {"done": "1"})
    assert not FollowUp.objects.filter(declaration=green).exists()
