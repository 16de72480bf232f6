"""Broadcasts are counted in the progress report (issue 17): the province's report counts its
communes' broadcasts in every format, and the communes with none are named."""

from datetime import datetime, timedelta

from django.utils import timezone, translation

from ravao.mobilisation.services import broadcast_record
from ravao.oversight.tests.test_report_form import PERIOD, docx_text, download, pdf_text


def test_the_report_counts_broadcasts_per_commune(small_map, users):
    tz = timezone.get_current_timezone()
    day = datetime.fromisoformat(PERIOD["from"]).replace(tzinfo=tz) + timedelta(hours=7)
    for _ in range(2):
        broadcast_record(by=None, unit=small_map.commune_a, channel="loudspeaker", made_at=day)
        day += timedelta(days=1)
    broadcast_record(by=None, unit=small_map.province, channel="radio", made_at=day)
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        with translation.override("vi"):
            text = read(download(users["province"], fmt, unit=small_map.province.code))
        section = text[text.find("Tuyên truyền trên loa truyền thanh và đài phát thanh") :]
        assert "ghi nhận 3 lần phát: 2 lần trên loa truyền thanh xã, 1 lần trên đài phát thanh" in section, fmt
        assert "Chưa ghi nhận lần phát nào tại:" in section and small_map.commune_b.name in section, fmt
