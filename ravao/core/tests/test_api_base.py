import pytest

from ravao.testing import ApiClient

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_and_interactive_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Ravao API"
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/units" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_validation_errors_are_json_with_a_clear_message(users):
    r = ApiClient(users["auditor"]).get("/audit", limit="lots")
    assert r.status_code == 422
    body = r.json()
    assert "limit" in body["detail"] and body["errors"][0]["field"] == "limit"


def test_error_messages_follow_the_callers_language(users):
    api = ApiClient(users["tracer"])
    r = api.client.get("/api/v1/audit", headers={**api.headers, "Accept-Language": "vi"})
    assert r.status_code == 403 and "Vai trò" in r.json()["detail"]
    r = api.client.get("/api/v1/audit", headers={**api.headers, "Accept-Language": "en"})
    assert r.json()["detail"] == "Your role may not do this."
