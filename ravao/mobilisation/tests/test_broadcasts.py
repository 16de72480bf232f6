"""Loudspeaker and radio: the script from live figures (200–300 words, the legal basis, how to
scan without a smartphone, the hotline), the notice PDF, the broadcast log and its counts."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from ravao.mobilisation.models import Broadcast
from ravao.mobilisation.scripts import figures_for, notice_pdf, reading_seconds, script_text, word_count
from ravao.mobilisation.selectors import broadcast_counts
from ravao.mobilisation.services import broadcast_record
from ravao.oversight.models import TargetEstablishment
from ravao.venues.testing import make_venue

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def commune(small_map):
    make_venue(small_map.commune_a, "Chợ Đông Ba", "market")
    make_venue(small_map.commune_a, "Quán Bún Bò", "restaurant")
    for name in ("Tiệm vàng Kim Long", "Karaoke Hoàng Gia", "Quán net Sao Mai"):
        TargetEstablishment.objects.create(unit=small_map.commune_a, name=name)
    return small_map.commune_a


def test_the_commune_script_is_read_in_one_to_two_minutes_with_live_figures(commune, settings):
    settings.RAVAO_HOTLINE = "0234 3822 123"
    text = script_text(commune, language="vi")
    assert 200 <= word_count(text) <= 300, word_count(text)
    assert 60 <= reading_seconds(text) <= 120
    assert text.startswith(f"Kính thưa toàn thể nhân dân {commune.name}")
    for expected in ("2278/BTTTT-THH", "2913/BTTTT-THH", "CCCD", "thẻ mã QR cá nhân", "0234 3822 123"):
        assert expected in text, expected
    # Live figures: 2 places registered, 3 establishments not yet, named.
    assert "2 địa điểm" in text and "3 cơ sở" in text and "Karaoke Hoàng Gia" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text
    make_venue(commune, "Siêu thị mới", "supermarket")
    assert "3 địa điểm" in script_text(commune, language="vi")


def test_without_a_hotline_it_sends_people_to_the_committee_and_english_is_complete(commune, small_map):
    text = script_text(commune, language="en")
    assert "Dear people of" in text and "People's Committee of " + commune.name in text
    assert 180 <= word_count(text) <= 330
    # A commune with nothing registered and nothing on its list still gets a full minute.
    bare = script_text(small_map.commune_b, language="vi")
    assert 200 <= word_count(bare) <= 300, word_count(bare)


def test_district_radio_counts_communes_with_no_place(small_map):
    make_venue(small_map.commune_a, "Chợ Đông Ba", "market")
    f = figures_for(small_map.province)
    assert (f.communes, f.communes_without, f.registered) == (2, 1, 1)
    text = script_text(small_map.province, language="vi")
    assert "phát thanh" in text.split("\n\n")[0] and "1 xã, phường" in text


def test_the_notice_pdf_carries_the_same_text(commune):
    reader = PdfReader(io.BytesIO(notice_pdf(commune, language="vi")))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "THÔNG BÁO" in text and commune.name.upper() in text and "2278/BTTTT-THH" in text


def test_an_official_logs_a_broadcast_once_on_the_page(commune, users):
    c = login(users["commune_a"])
    r = c.get("/mobilisation/")
    html = r.content.decode()
    assert r.status_code == 200 and "2278/BTTTT-THH" in html and 'id="script"' in html
    data = {"channel": "loudspeaker", "made_at": "2026-01-05T06:30", "place": "Cụm loa thôn 1", "unit": commune.code}
    assert c.post("/mobilisation/", data).status_code == 302
    c.post("/mobilisation/", data)  # sent twice: one broadcast
    b = Broadcast.objects.get()
    assert (b.unit, b.made_by, b.place) == (commune, users["commune_a"], "Cụm loa thôn 1")
    assert "2278/BTTTT-THH" in b.script and len(b.script_digest) == 64
    assert "Cụm loa thôn 1" in c.get("/mobilisation/").content.decode()
    r = c.get("/mobilisation/notice.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_a_district_official_on_the_old_map_gets_the_district_radio_script(small_map, users):
    r = login(users["district_a"]).get("/mobilisation/")
    assert r.status_code == 200 and r.context["channel"] == "radio"
    assert small_map.legacy_commune_a1.name in r.content.decode()  # a commune below, to pick
    assert (
        login(users["district_b"])
        .get("/mobilisation/", {"unit": small_map.legacy_commune_a1.code, "generation": "legacy"})
        .status_code
        == 404
    )


def test_broadcasts_stay_in_their_area(commune, users, small_map):
    c = login(users["commune_b"])
    assert c.get("/mobilisation/", {"unit": commune.code}).status_code == 404
    assert c.get("/mobilisation/notice.pdf", {"unit": commune.code}).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 (Forbidden)
        broadcast_record(by=users["commune_b"], unit=commune, channel="loudspeaker")
    for name in ("manager", "staff", "tracer"):
        assert login(users[name]).get("/mobilisation/").status_code == 403
    broadcast_record(by=users["commune_a"], unit=commune, channel="loudspeaker", place="Cụm loa thôn 9")
    assert "Cụm loa thôn 9" not in c.get("/mobilisation/").content.decode()
    assert "Cụm loa thôn 9" in login(users["province"]).get("/mobilisation/").content.decode()
    r = c.post("/mobilisation/", {"channel": "television", "made_at": "2026-01-05T06:30"})
    assert r.status_code == 302 and Broadcast.objects.count() == 1


def test_broadcast_counts_per_unit_and_period(small_map, users):
    tz = timezone.get_current_timezone()
    for unit, channel, day in (
        (small_map.commune_a, "loudspeaker", date(2026, 1, 5)),
        (small_map.commune_a, "loudspeaker", date(2026, 1, 6)),
        (small_map.commune_b, "loudspeaker", date(2026, 1, 6)),
        (small_map.province, "radio", date(2026, 1, 6)),
        (small_map.commune_a, "loudspeaker", date(2026, 1, 9)),
    ):
        broadcast_record(
            by=None,
            unit=unit,
            channel=channel,
            made_at=datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=6),
        )
    units = [small_map.province, small_map.commune_a, small_map.commune_b, small_map.commune_c]
    counts = broadcast_counts(units=units, first=date(2026, 1, 5), last=date(2026, 1, 6))
    assert counts[small_map.province.pk] == {"loudspeaker": 3, "radio": 1, "total": 4}
    assert counts[small_map.commune_a.pk]["total"] == 2 and counts[small_map.commune_c.pk]["total"] == 0
    # Scoped to a user: the sibling commune's official sees only their own.
    counts = broadcast_counts(units=units, first=date(2026, 1, 5), last=date(2026, 1, 9), user=users["commune_b"])
    assert counts[small_map.province.pk]["total"] == 1
