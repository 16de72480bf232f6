import pytest

pytestmark = pytest.mark.django_db


def test_the_browser_language_is_used_when_the_user_has_not_chosen(client):
    r = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert r.headers["Content-Language"] == "en"
    assert "Scan the poster" in r.content.decode()


def test_an_unsupported_browser_language_falls_back_to_vietnamese(client):
    r = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert r.headers["Content-Language"] == "vi"


def test_the_switch_on_every_page_overrides_the_browser(client):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, headers={"Accept-Language": "vi"})
    assert r.status_code == 302
    r = client.get("/", headers={"Accept-Language": "vi"})
    assert r.headers["Content-Language"] == "en"
    assert 'name="language" value="vi"' in r.content.decode()


def test_the_language_saved_on_the_account_applies_at_log_in(client, users):
    user = users["commune_a"]  # no second factor asked (ravao/signin/tests test that step)
    user.language = "en"
    user.save()
    r = client.post("/accounts/login/", {"username": "commune_a", "password": "pw-for-tests-1"})
    assert r.status_code == 302
    r = client.get("/dashboard/")
    assert r.headers["Content-Language"] == "en"
    assert "My dashboard" in r.content.decode()


def test_every_vietnamese_catalogue_is_complete():
    """No untranslated or fuzzy entry in any of Ravao's Vietnamese catalogues."""
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parents[2]
    catalogues = sorted(root.rglob("locale/vi/LC_MESSAGES/*.po"))
    assert catalogues
    problems = []
    for path in catalogues:
        po = polib.pofile(str(path))
        problems += [f"{path.relative_to(root)}: {e.msgid!r}" for e in po.untranslated_entries()]
        problems += [f"{path.relative_to(root)}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
    assert problems == []
