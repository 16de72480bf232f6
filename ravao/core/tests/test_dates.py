"""One date format per language everywhere: Vietnamese 04/12/2026 16:30, English (the en
locale's short form) 12/04/2026 4:30 PM — pages, files, reports, messages and scripts."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from ravao.core import dates

ROOT = Path(__file__).resolve().parents[2]
MOMENT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)  # 16:30 in Huế


@pytest.mark.parametrize(
    "lang, day, moment, clock, excel",
    [
        ("vi", "04/12/2026", "04/12/2026 16:30", "16:30", "dd/mm/yyyy hh:mm"),
        ("en", "12/04/2026", "12/04/2026 4:30 PM", "4:30 PM", "mm/dd/yyyy h:mm AM/PM"),
    ],
)
def test_each_language_has_one_format(lang, day, moment, clock, excel):
    with translation.override(lang):
        assert dates.format_date(date(2026, 12, 4)) == day
        assert dates.format_date(MOMENT) == day
        assert dates.format_datetime(MOMENT) == moment
        assert dates.format_time(MOMENT) == clock
        assert dates.excel_format() == excel
        assert dates.format_datetime(None) == "" == dates.format_date(None)


def test_no_template_or_module_writes_a_date_format_of_its_own():
    """Display formats come from the format modules; only machine formats (ISO for inputs and
    links, 'c' for scripts) may be spelled out."""
    machine = {"Y-m-d", "Y-m-d\\TH:i", "c"}
    named = {"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT"}
    found = []
    for path in (ROOT / "ravao").rglob("*.html"):
        if "vendor" in path.parts:
            continue
        for fmt in re.findall(r"\|(?:date|time):[\"']([^\"']*)[\"']", path.read_text()):
            if fmt not in machine | named:
                found.append((path.name, fmt))
    for path in (ROOT / "ravao").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        for fmt in re.findall(r"strftime\(\"([^\"]*)\"\)|:(%H:%M %d/%m/%Y)}", text):
            if any("%d/%m" in f for f in fmt):
                found.append((path.name, fmt))
    for path in (ROOT / "ravao").rglob("*.js"):
        if "vendor" in path.parts:
            continue
        if re.search(r"toLocale(Date|Time)?String\(", path.read_text().replace("ravaoDates", "")):
            text = path.read_text()
            # Only as a fallback where the page may lack core/dates.js (the gate works offline).
            bare = [
                m
                for m in re.finditer(r"toLocale(Date|Time)?String\(", text)
                if "ravaoDates ?" not in text[max(0, m.start() - 120) : m.start()]
            ]
            if bare:
                found.append((path.name, "toLocaleString"))
    assert found == []


def _client(user, lang):
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def test_the_english_users_list_uses_the_same_format_as_every_english_page(users):
    national, listed = users["national"], users["commune_a"]  # logging in sets one's own last log-in
    listed.last_login = MOMENT
    listed.save(update_fields=["last_login"])
    for lang, shown in (("vi", "04/12/2026 16:30"), ("en", "12/04/2026 4:30 PM")):
        html = _client(national, lang).get("/accounts/users/").content.decode()
        assert shown in html, lang


def test_the_report_title_uses_the_language_format():
    from ravao.oversight.reports import _title

    doc = {"unit": {"name": "Thành phố Huế"}, "from": "2026-11-01", "to": "2026-11-30"}
    with translation.override("vi"):
        assert "01/11/2026" in _title(doc) and "30/11/2026" in _title(doc)
    with translation.override("en"):
        assert "11/01/2026" in _title(doc) and "2026-11" not in _title(doc)


def test_pages_hand_the_format_to_scripts(client):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert 'data-date-format="m/d/Y" data-time-format="g:i A"' in html
    client.cookies["django_language"] = "vi"
    assert 'data-date-format="d/m/Y" data-time-format="H:i"' in client.get("/").content.decode()
