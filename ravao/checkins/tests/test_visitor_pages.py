"""The visitor pages through the Django test client: the no-JavaScript form path end to end,
the poster token, the replaced poster, the confirmation and check-out, the page weight."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

from ravao.checkins.models import CheckoutMethod, Visit
from ravao.people.models import Declaration, Person

BUDGET = 30 * 1024


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def form_fields(html: str) -> dict:
    return dict(re.findall(r'name="(client_id)" value="([^"]+)"', html))


def submit(client, url, **fields):
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "client_id": form_fields(page.content.decode())["client_id"],
        "q_contact_case": "no",
        "q_contact_symptomatic": "no",
        "q_commitment": "yes",
        "birth_year": "1990",
    }
    data.update(fields)
    return client.post(url, data)


def test_it_renders_the_check_in_form_from_the_typed_code(venue):
    res = Client().get(f"/c/{venue.code}")
    html = res.content.decode()
    assert res.status_code == 200
    assert venue.name in html and 'name="full_name"' in html and 'name="q_symptoms"' in html
    assert '<div id="exposure-warning" hidden></div>' in html and "tracing/exposure.js" in html
    assert 'name="c0_name"' in html


def test_a_lower_case_code_with_dashes_redirects_to_the_canonical_page(venue):
    res = Client().get(f"/c/{venue.code[:3].lower()}-{venue.code[3:].lower()}")
    assert res.status_code == 302 and res["Location"] == f"/c/{venue.code}"


def test_the_no_js_form_checks_in_and_shows_the_confirmation(venue):
    client = Client()
    res = submit(
        client,
        f"/c/{venue.code}",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        birth_year="1990",
        q_symptoms=["cough"],
        c0_name="Nguyễn Bảo Ngọc",
        c0_year="2016",
    )
    assert res.status_code == 302, res.content.decode()[:500]
    visit = Visit.objects.get(companion_of__isnull=True)
    assert res["Location"].startswith(f"/r/{visit.id}/")
    page = client.get(res["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "N. V. An" in html and venue.name in html and 'class="st yellow' in html
    assert "N. B. Ngọc" in html
    assert "Nguyễn Văn An" not in html
    assert '<div id="exposure-warning" hidden></div>' in html and 'id="visit"' in html
    assert Declaration.objects.count() == 2 and Person.objects.count() == 2
    # Check-out with the button (plain form POST).
    # (the Location carries ?h=<holder link> for a new visitor; the check-out keeps it)
    out = client.post(res["Location"].split("?")[0] + "/checkout?" + res["Location"].split("?")[1])
    assert "?h=" in out["Location"]
    assert out.status_code == 302
    visit.refresh_from_db()
    assert visit.checkout_method == CheckoutMethod.BUTTON
    assert Visit.objects.get(companion_of=visit.id).checkout_method == CheckoutMethod.BUTTON
    assert (
        "Check out" not in client.get(res["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode().split("</form>")[-1]
    )


def test_a_resubmitted_form_is_not_a_second_visit(venue):
    client = Client()
    page = client.get(f"/c/{venue.code}").content.decode()
    data = {
        "client_id": form_fields(page)["client_id"],
        "full_name": "Lê Thị Hà",
        "phone": "0987654321",
        "birth_year": "1985",
        "q_commitment": "yes",
    }
    first = client.post(f"/c/{venue.code}", data)
    second = client.post(f"/c/{venue.code}", data)
    assert first["Location"] == second["Location"]
    assert Visit.objects.count() == 1


def test_an_invalid_form_is_shown_again_with_the_message_and_nothing_written(venue):
    res = submit(Client(), f"/c/{venue.code}", full_name="Nguyễn Văn An", phone="12", q_symptoms=["fever"])
    assert res.status_code == 400
    html = res.content.decode()
    assert 'role="alert"' in html and 'value="Nguyễn Văn An"' in html
    assert 'value="fever" checked' in html
    assert Person.objects.count() == 0


def test_the_poster_token_opens_the_page_and_checks_in(venue):
    from ravao.codes.signing import venue_qr_url

    path = venue_qr_url(venue=venue).split("://", 1)[1].split("/", 1)[1]
    client = Client()
    res = submit(client, f"/{path}", full_name="Phạm Minh", id_number="046095001234")
    assert res.status_code == 302
    assert Visit.objects.get().venue_id == venue.pk


def test_a_replaced_poster_says_so(venue):
    from ravao.codes.signing import venue_qr_url

    path = venue_qr_url(venue=venue).split("://", 1)[1].split("/", 1)[1]
    type(venue).objects.filter(pk=venue.pk).update(code_version=2)
    res = Client().get(f"/{path}", HTTP_ACCEPT_LANGUAGE="en")
    assert res.status_code == 410
    assert "This poster has been replaced" in res.content.decode()


def test_a_forged_poster_is_refused(venue):
    res = Client().get(f"/v/V1.k1.{venue.code}.0.1.{'A' * 86}")
    assert res.status_code == 400


def test_a_wrong_receipt_shows_nothing(venue):
    client = Client()
    res = submit(client, f"/c/{venue.code}", full_name="Lê Thị Hà", phone="0987654321")
    url = res["Location"].split("?")[0]
    bad = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    assert client.get(bad).status_code == 404
    assert client.post(bad + "/checkout").status_code == 404


def test_the_page_is_in_vietnamese_by_default_and_english_on_request(venue):
    vi = Client().get(f"/c/{venue.code}").content.decode()
    en = Client().get(f"/c/{venue.code}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Check in" in en and "Health declaration" in en
    assert "Khai báo y tế" in vi


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def test_the_first_load_weighs_at_most_30_kb_compressed(venue):
    res = Client().get(f"/c/{venue.code}", HTTP_ACCEPT_ENCODING="gzip")
    assert res.status_code == 200
    page = res.content if res.get("Content-Encoding") == "gzip" else gzip.compress(res.content)
    assert res.get("Content-Encoding") == "gzip"
    scripts = [finders.find("checkins/visitor.js")]
    exposure = finders.find("tracing/exposure.js")
    if exposure:
        scripts.append(exposure)
    catalogue = Client().get("/checkins/jsi18n/?l=vi", HTTP_ACCEPT_ENCODING="gzip")
    assert catalogue.status_code == 200 and catalogue["Content-Encoding"] == "gzip"
    assert "/checkins/jsi18n/?l=vi" in gzip.decompress(page).decode()
    total = len(page) + len(catalogue.content) + sum(_gz(Path(s).read_bytes()) for s in scripts)
    print(
        f"visitor page: html {len(page)} B gz, catalogue {len(catalogue.content)} B gz, total first load {total} B gz"
    )
    assert total <= BUDGET


def test_a_suspended_venue_says_so_before_the_form(venue):
    type(venue).objects.filter(pk=venue.pk).update(status="suspended")
    res = Client().get(f"/c/{venue.code}", HTTP_ACCEPT_LANGUAGE="en")
    assert res.status_code == 409
    assert "suspended" in res.content.decode() and 'name="full_name"' not in res.content.decode()


def test_an_event_outside_its_window_says_when_it_opens(event_venue):
    res = Client().get(f"/c/{event_venue.code}", HTTP_ACCEPT_LANGUAGE="en")
    assert res.status_code == 409 and "accepts check-ins only from" in res.content.decode()


def test_the_form_is_never_cached_and_each_load_has_its_own_client_id(venue):
    first, second = Client().get(f"/c/{venue.code}"), Client().get(f"/c/{venue.code}")
    assert "no-store" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    assert form_fields(first.content.decode()) != form_fields(second.content.decode())


def test_the_language_switch_works_on_the_visitor_page(venue):
    client = Client(enforce_csrf_checks=True)
    html = client.get(f"/c/{venue.code}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    res = client.post("/i18n/setlang/", {"language": "en", "next": f"/c/{venue.code}", "csrfmiddlewaretoken": token})
    assert res.status_code == 302 and res["Location"] == f"/c/{venue.code}"
    assert "Health declaration" in client.get(f"/c/{venue.code}").content.decode()


def test_a_refused_form_keeps_the_companions_typed(venue):
    res = submit(Client(), f"/c/{venue.code}", full_name="Nguyễn Văn An", phone="0912345678", c0_name="Bé Na")
    assert res.status_code == 400
    html = res.content.decode()
    assert 'value="Bé Na"' in html and "<details open>" in html
    assert Person.objects.count() == 0


def marked(html: str) -> set[str]:
    """The names of the inputs the page marks as wrong."""
    return set(re.findall(r'name="([a-z0-9_]+)"[^>]*aria-invalid="true"', html))


def test_a_refused_form_marks_the_bad_input_only(venue):
    res = submit(Client(), f"/c/{venue.code}", full_name="Nguyễn Văn An", phone="12", birth_year="1990")
    html = res.content.decode()
    assert marked(html) == {"phone"}
    assert 'value="12"' in html and 'value="1990"' in html and 'data-error="1"' in html
    assert 'id="checkin-error"' in html


def test_a_companion_without_a_birth_year_is_the_one_marked(venue):
    res = submit(
        Client(),
        f"/c/{venue.code}",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        birth_year="1990",
        c0_name="Bé Na",
        c0_year="2018",
        c1_name="Bà Tư",
    )
    assert res.status_code == 400
    assert marked(res.content.decode()) == {"c1_year"}


def test_a_page_without_an_error_marks_nothing(venue):
    html = Client().get(f"/c/{venue.code}").content.decode()
    assert marked(html) == set() and "data-error" not in html


def test_the_poster_names_the_button_a_first_time_visitor_sees(venue):
    from ravao.venues.posters import poster_layout, poster_text

    for lang, key in (("vi", "help_vi"), ("en", "help_en")):
        html = Client().get(f"/c/{venue.code}", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        button = re.search(r'<button class="btn" type="submit" id="submit">([^<]+)</button>', html).group(1)
        assert f"“{button}”" in poster_text(venue)[key], (lang, button)
    layout = poster_layout(venue)  # the longer instruction still fits its four lines
    assert layout is not None
