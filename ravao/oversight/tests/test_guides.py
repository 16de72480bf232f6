"""Guides per role: pages in both languages, printable PDFs with the text."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from ravao.oversight.guides import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_each_guide_as_a_page_and_a_pdf(db, role):
    c = Client()
    r = c.get(f"/oversight/guides/{role}/")
    assert r.status_code == 200 and "<svg" in r.content.decode()
    for lang, word in [("vi", "Ravao"), ("en", "Ravao")]:
        r = c.get(f"/oversight/guides/{role}/", {"format": "pdf", "lang": lang})
        assert r.status_code == 200
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
        assert word in text and len(text) > 200


def test_it_speaks_vietnamese_and_english(db):
    c = Client()
    en = PdfReader(io.BytesIO(c.get("/oversight/guides/visitor/", {"format": "pdf", "lang": "en"}).content))
    vi = PdfReader(io.BytesIO(c.get("/oversight/guides/visitor/", {"format": "pdf", "lang": "vi"}).content))
    assert "Scan the poster" in en.pages[0].extract_text()
    assert "Quét" in vi.pages[0].extract_text()
    assert c.get("/oversight/guides/nobody/").status_code == 404


def test_it_names_the_real_screens(db):
    """The official's guide names the menu entry and the figures exactly as the pages do."""
    from django.utils import translation

    from ravao.oversight.guides import guide_context
    from ravao.oversight.menu import DASHBOARD
    from ravao.oversight.reports import LABELS

    for language in ("vi", "en"):
        with translation.override(language):
            text = " ".join(s["text"] for s in guide_context("official")["steps"])
            assert f"“{DASHBOARD[0]}”" in text
            labels = dict(LABELS)
            assert str(labels["unique_visitors"]).lower() in text.lower()


def test_the_canvassers_guide_names_the_campaign_screens(db):
    from django.utils import translation

    from ravao.oversight.guides import guide_context
    from ravao.oversight.menu import CAMPAIGN

    c = Client()
    for language, button in (
        ("vi", "Đăng ký cơ sở này làm địa điểm"),
        ("en", "Register this establishment as a venue"),
    ):
        with translation.override(language):
            text = " ".join(s["text"] for s in guide_context("canvasser")["steps"])
            assert f"“{CAMPAIGN[0]}”" in text and f"“{button}”" in text
    vi = PdfReader(io.BytesIO(c.get("/oversight/guides/canvasser/", {"format": "pdf", "lang": "vi"}).content))
    assert "Chiến dịch" in " ".join(vi.pages[0].extract_text().split())


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        (
            "tracer",
            [
                "Contact tracing",
                "Open a case",
                "Import cases",
                "Contacts",
                "With second degree (F2)",
                "Notify contacts not yet notified (SMS / e-mail)",
                "reached",
                "isolated",
                "tested",
                "Export",
                "Venues to alert",
                "Publish window",
                "Places with possible exposure",
            ],
        ),
        ("auditor", ["Audit log", "Purpose"]),
    ],
)
def test_the_tracers_and_auditors_guides_name_the_screens_as_they_are_labelled(db, role, labels):
    """Each quoted label is the one the page shows, in both languages (taken from the apps' own catalogues)."""
    from django.utils import translation
    from django.utils.translation import gettext

    from ravao.oversight.guides import guide_context

    for language in ("vi", "en"):
        with translation.override(language):
            text = " ".join(s["text"] for s in guide_context(role)["steps"])
            for label in labels:
                assert f"“{gettext(label)}”" in text, (language, label)
            if language == "vi":
                assert gettext("Contact tracing") != "Contact tracing"  # the catalogue really is Vietnamese
