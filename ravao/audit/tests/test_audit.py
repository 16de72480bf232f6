import pytest

from ravao.audit.models import AuditEntry
from ravao.audit.services import audit_record
from ravao.testing import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(users, small_map):
    a = audit_record(
        user=users["tracer"],
        action="read",
        object_type="person",
        object_id=7,
        purpose="case 3",
        case_id=3,
        unit=small_map.province,
    )
    b = audit_record(
        user=users["other_province"],
        action="export",
        object_type="contacts",
        object_id=9,
        case_id=9,
        unit=small_map.other_province,
    )
    return a, b


def test_it_records_who_what_when_where_and_why(rf, users, small_map):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    entry = audit_record(
        user=users["tracer"],
        action="read",
        object_type="person",
        object_id=42,
        purpose="tracing",
        case_id=5,
        request=request,
        unit=small_map.province,
    )
    entry.refresh_from_db()
    assert (entry.username, entry.action, entry.object_id, entry.case_id, entry.ip) == (
        "tracer",
        "read",
        "42",
        5,
        "10.1.2.3",
    )
    assert entry.at is not None


def test_entries_cannot_be_changed_or_deleted(entries):
    entry = entries[0]
    entry.purpose = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).purpose == "case 3"


def test_auditors_review_their_jurisdiction_only(client, users, entries):
    client.force_login(users["auditor"])
    page = client.get("/audit/").content.decode()
    assert "case 3" in page and "other_province" not in page
    r = ApiClient(users["auditor"]).get("/audit")
    assert r.status_code == 200
    assert [e["case_id"] for e in r.json()["items"]] == [3]


def test_the_log_filters_by_user_action_and_case(client, users, entries):
    r = ApiClient(users["national"]).get("/audit", case=9)
    assert [e["username"] for e in r.json()["items"]] == ["other_province"]
    r = ApiClient(users["national"]).get("/audit", action="read")
    assert r.json()["count"] == 1
    client.force_login(users["national"])
    page = client.get("/audit/", {"username": "tracer"}).content.decode()
    assert "case 3" in page and "contacts 9" not in page


def test_other_roles_cannot_read_the_log(client, users, entries):
    client.force_login(users["province"])
    assert client.get("/audit/").status_code == 403
    r = ApiClient(users["tracer"]).get("/audit")
    assert r.status_code == 403 and r.json()["detail"]
