"""The personal QR page, the wallet card PDF, revoke and reissue."""

import io
import uuid

from django.test import Client
from pypdf import PdfReader

from ravao.checkins.services import PersonInput, checkin_self
from ravao.people.models import Person


def holder_url(venue):
    result = checkin_self(
        client_id=uuid.uuid4(),
        code=venue.code,
        person=PersonInput(full_name="Nguyễn Văn An", phone="0912345678", birth_year=1990),
    )
    return f"/people/me/{result.holder}/"


def test_the_page_shows_the_qr_and_the_masked_name_only(venue_for_people):
    res = Client().get(holder_url(venue_for_people))
    html = res.content.decode()
    assert res.status_code == 200 and "<svg" in html and "N. V. An" in html and "Nguyễn" not in html


def test_the_wallet_card_is_a_pdf_with_vietnamese_text(venue_for_people):
    url = holder_url(venue_for_people)
    pdf = Client().get(url + "card.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "N. V. An" in text and "1990" in text and "Cách dùng thẻ" in text


def test_reissue_revokes_the_old_code_and_the_old_link(venue_for_people):
    from ravao.codes.signing import person_qr_text

    url = holder_url(venue_for_people)
    person = Person.objects.get()
    old_code = person_qr_text(person=person)
    res = Client().post(url + "reissue")
    assert res.status_code == 302 and res["Location"] != url
    person.refresh_from_db()
    assert person.qr_version == 2 and person_qr_text(person=person) != old_code
    assert Client().get(url).status_code == 404
    page = Client().get(res["Location"])
    assert page.status_code == 200
    # The page tells visitor.js which kept link to replace (one-tap check-ins keep working).
    new = res["Location"].split("/")[3]
    assert f'data-holder="{new}" data-was="{url.split("/")[3]}"' in page.content.decode()
    assert "checkins/visitor.js" in page.content.decode()


def test_a_forged_link_is_404(db):
    assert Client().get("/people/me/not-a-token/").status_code == 404
