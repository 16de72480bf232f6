import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_home_page_in_vietnamese_by_default(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["Content-Language"] == "vi"
    assert 'lang="vi"' in r.content.decode()
    assert "Quét" in r.content.decode()  # "Scan the poster…" in Vietnamese


def test_a_typed_code_leads_to_the_venue_check_in_page(client):
    r = client.get("/", {"code": " 7kq-3x9m "})
    assert r.status_code == 302
    assert r["Location"] == "/c/7KQ3X9M"


def test_a_code_that_cannot_exist_gets_a_clear_message(client):
    r = client.get("/", {"code": "HELLO"}, follow=True)
    assert r.status_code == 200
    assert "HELLO" in r.content.decode()
    assert r.redirect_chain == []


def test_healthz_answers(client):
    assert client.get("/healthz").json() == {"ok": True}
