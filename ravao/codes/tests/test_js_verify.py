"""The JavaScript verifier documented in docs/formats.md accepts our codes and rejects bad ones."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from ravao.codes.keys import public_keys
from ravao.codes.signing import person_qr_text, venue_qr_url
from ravao.people.models import Person
from ravao.venues.testing import make_venue

DOC = Path(settings.BASE_DIR) / "docs" / "formats.md"


def _snippet() -> str:
    return re.search(r"```js\n(.*?)```", DOC.read_text(), re.S).group(1)


@pytest.mark.browser
def test_it_verifies_in_chromium_with_web_crypto(small_map, chromium):
    venue = make_venue(small_map.commune_a)
    url = venue_qr_url(venue=venue)
    person = Person.objects.create(full_name="Lê Văn Tám", birth_year=1990)
    card = person_qr_text(person=person)
    tampered = url.replace(".0.1.", ".0.2.")
    context = chromium.new_context()
    try:
        page = context.new_page()
        # Web Crypto needs a secure context: serve a blank page from a fake https origin.
        page.route("https://ravao.test/", lambda route: route.fulfill(body="<html></html>", content_type="text/html"))
        page.goto("https://ravao.test/")
        results = page.evaluate(
            "async ([src, keys, codes]) => { eval(src + '; window.v = verifyRavaoCode;');"
            " const out = []; for (const c of codes) out.push(await window.v(c, keys)); return out; }",
            [_snippet(), public_keys(), [url, card, tampered, url[:-20], url.replace("/v/V1.d1.", "/v/V1.zz.")]],
        )
    finally:
        context.close()
    assert results[0] == {"ok": True, "kind": "venue", "venue": venue.code, "entrance": None, "version": 1}
    assert results[1] == {
        "ok": True,
        "kind": "person",
        "person": person.pk,
        "version": 1,
        "maskedName": "L. V. Tám",
        "birthYear": 1990,
    }
    assert [r["reason"] for r in results[2:]] == ["bad_signature", "bad_signature", "unknown_key"]
