import base64

import pytest
from django.core.management import call_command
from django.test import override_settings

from ravao.codes.keys import generate_key_line, keyring, public_keys
from ravao.codes.signing import (
    CodeError,
    CodeRevoked,
    check_person_qr_current,
    person_qr_text,
    venue_qr_url,
    venue_token,
    verify_person_qr,
    verify_venue_signature,
)
from ravao.core.masking import mask_name
from ravao.people.models import Person
from ravao.testing import ApiClient
from ravao.venues.models import Entrance
from ravao.venues.testing import make_venue
from ravao.venues.tokens import verify_venue_token

K1_PRIV, K1_PUB = generate_key_line("k1")
K2_PRIV, K2_PUB = generate_key_line("k2")
ROGUE_PRIV, _ = generate_key_line("k1")  # same kid, a different (untrusted) key


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def venue(small_map):
    return make_venue(small_map.commune_a, name="Chợ Đông Ba")


def _flip(text: str, index: int) -> str:
    ch = text[index]
    return text[:index] + ("B" if ch != "B" else "C") + text[index + 1 :]


def test_it_makes_a_url_that_verifies_and_names_the_venue(venue, settings):
    url = venue_qr_url(venue=venue)
    assert url.startswith(f"{settings.BASE_URL}/v/V1.d1.{venue.code}.0.1.")
    assert len(url) < 140  # small QR
    found = verify_venue_token(url)
    assert (found.venue_code, found.entrance_id, found.code_version, found.kid) == (venue.code, None, 1, "d1")
    assert found.venue == venue
    # The bare token and a URL on another host with a query string verify alike.
    token = url.rsplit("/v/", 1)[1]
    assert verify_venue_token(token).venue_code == venue.code
    assert verify_venue_token(f"https://other.example/v/{token}/?utm=x").venue_code == venue.code


def test_it_signs_entrances_with_their_own_version(venue):
    gate = Entrance.objects.create(venue=venue, name="Cổng sau", code_version=3)
    found = verify_venue_token(venue_qr_url(venue=venue, entrance=gate))
    assert (found.entrance_id, found.code_version, found.entrance) == (gate.pk, 3, gate)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda u: u[:-10],  # truncated signature
        lambda u: u.rsplit(".", 1)[0],  # no signature at all
        lambda u: u.rsplit("/v/", 1)[0] + "/v/",  # nothing
        lambda u: u.replace("/v/V1.", "/v/V9."),  # unknown version prefix
        lambda u: "hello world",
        lambda u: u + "é",
    ],
)
def test_it_rejects_malformed_and_truncated_tokens(venue, mangle):
    with pytest.raises(CodeError) as err:
        verify_venue_token(mangle(venue_qr_url(venue=venue)))
    assert err.value.code == "malformed"
    assert "not a valid Ravao code" in err.value.message


def test_it_rejects_a_tampered_token(venue, small_map):
    url = venue_qr_url(venue=venue)
    other = make_venue(small_map.commune_b, name="Quán B")
    for bad in (url.replace(venue.code, other.code), url.replace(".0.1.", ".0.2."), _flip(url, -5)):
        with pytest.raises(CodeError) as err:
            verify_venue_token(bad)
        assert err.value.code == "bad_signature", bad
        assert "altered" in err.value.message


def test_it_rejects_an_unknown_key_and_a_rogue_key_with_a_trusted_kid(venue):
    with override_settings(RAVAO_SIGNING_KEYS=["zz:" + K2_PRIV.split(":")[1]]):
        foreign = venue_qr_url(venue=venue)
    with pytest.raises(CodeError) as err:
        verify_venue_token(foreign)
    assert err.value.code == "unknown_key" and "zz" in err.value.message
    with override_settings(RAVAO_SIGNING_KEYS=[ROGUE_PRIV]):
        rogue = venue_qr_url(venue=venue)
    with override_settings(RAVAO_SIGNING_KEYS=[K1_PRIV]):
        with pytest.raises(CodeError) as err:
            verify_venue_token(rogue)
        assert err.value.code == "bad_signature"


def test_it_rejects_a_replaced_poster(venue):
    old = venue_qr_url(venue=venue)
    venue.code_version += 1
    venue.save()
    with pytest.raises(CodeRevoked) as err:
        verify_venue_token(old)
    assert err.value.status == 410 and err.value.code == "replaced"
    assert "This poster has been replaced" in err.value.message
    assert verify_venue_token(venue_qr_url(venue=venue)).code_version == 2
    # The signature alone is still fine: only the server knows about replacements.
    assert verify_venue_signature(old).code_version == 1


def test_it_rejects_a_replaced_or_deleted_entrance_poster(venue):
    gate = Entrance.objects.create(venue=venue, name="Cổng chính")
    old = venue_qr_url(venue=venue, entrance=gate)
    gate.code_version = 2
    gate.save()
    with pytest.raises(CodeRevoked):
        verify_venue_token(old)
    current = venue_qr_url(venue=venue, entrance=gate)
    gate.delete()
    with pytest.raises(CodeRevoked):
        verify_venue_token(current)


def test_it_reports_an_unknown_venue(venue):
    token = venue_token(venue_code="XXXXXXX", entrance_id=None, code_version=1)
    with pytest.raises(CodeError) as err:
        verify_venue_token(token)
    assert err.value.code == "unknown_venue" and err.value.status == 404


def test_it_translates_the_messages(venue):
    from django.utils import translation

    old = venue_qr_url(venue=venue)
    venue.code_version = 5
    venue.save()
    with translation.override("vi"), pytest.raises(CodeRevoked) as err:
        verify_venue_token(old)
    assert "Áp phích này đã được thay" in err.value.message


def test_it_rotates_keys_old_key_still_verifies_new_key_signs(venue):
    with override_settings(RAVAO_SIGNING_KEYS=[K1_PRIV]):
        old = venue_qr_url(venue=venue)
        assert verify_venue_token(old).kid == "k1"
    with override_settings(RAVAO_SIGNING_KEYS=[K2_PRIV, K1_PRIV]):
        new = venue_qr_url(venue=venue)
        assert verify_venue_token(new).kid == "k2"
        assert verify_venue_token(old).kid == "k1"
        assert set(public_keys()) == {"k1", "k2"}
    # Later: the old private key is destroyed, its public half kept for verification only.
    with override_settings(RAVAO_SIGNING_KEYS=[K2_PRIV], RAVAO_VERIFY_KEYS=[K1_PUB]):
        assert verify_venue_token(old).kid == "k1"
        assert keyring().signing_kid == "k2"
    # Finally dropped: the old posters are refused.
    with override_settings(RAVAO_SIGNING_KEYS=[K2_PRIV]):
        with pytest.raises(CodeError) as err:
            verify_venue_token(old)
        assert err.value.code == "unknown_key"


def test_it_derives_a_stable_demo_key_from_the_secret_key(venue):
    first = public_keys()
    assert list(first) == ["d1"]
    assert len(base64.b64decode(first["d1"])) == 32
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert public_keys()["d1"] != first["d1"]
    assert public_keys() == first


@pytest.mark.django_db
def test_it_makes_personal_qr_with_no_personal_data_in_clear():
    person = Person.objects.create(
        full_name="Nguyễn Thị Mỹ Linh", phone="0912345678", id_number="046123456789", birth_year=1987
    )
    text = person_qr_text(person=person)
    assert text.startswith("RVP1.d1.") and "/" not in text
    decoded = base64.urlsafe_b64decode(text.split(".")[2] + "==").decode()
    for secret in ("0912345678", "046123456789", "Nguyễn", "Linh" + " "):
        assert secret not in text and secret not in decoded
    found = verify_person_qr(text)
    assert (found.person_id, found.qr_version, found.masked_name, found.birth_year) == (
        person.pk,
        1,
        "N. T. M. Linh",
        1987,
    )
    check_person_qr_current(found, person)
    person.qr_version = 2
    with pytest.raises(CodeRevoked) as err:
        check_person_qr_current(found, person)
    assert "replaced" in err.value.message


@pytest.mark.django_db
def test_it_rejects_bad_personal_codes():
    person = Person.objects.create(full_name="Trần An", birth_year=None)
    text = person_qr_text(person=person)
    assert verify_person_qr(text).birth_year is None
    cases = {
        "malformed": [
            text[:-3],
            text.replace("RVP1", "RVP2"),
            "046123456789|123456789|Nguyễn Văn A|01011990|Nam|Huế|01012021",
        ],
        "bad_signature": [_flip(text, 12)],
    }
    with override_settings(RAVAO_SIGNING_KEYS=[K2_PRIV]):
        cases["unknown_key"] = [person_qr_text(person=person)]
    for code, texts in cases.items():
        for bad in texts:
            with pytest.raises(CodeError) as err:
                verify_person_qr(bad)
            assert err.value.code == code, bad
    # A venue signature is not a personal one (the prefix is signed).
    venue_sig = venue_token(venue_code="ABCDEFG", entrance_id=None, code_version=1)
    with pytest.raises(CodeError):
        verify_person_qr(venue_sig)


def test_the_personal_qr_carries_the_one_masked_name():
    from types import SimpleNamespace

    person = SimpleNamespace(pk=7, qr_version=1, full_name="Nguyễn Văn | An", birth_year=1990)
    assert verify_person_qr(person_qr_text(person=person)).masked_name == mask_name(person.full_name) == "N. V. An"


@pytest.mark.django_db
def test_it_serves_the_public_keys_without_auth():
    with override_settings(RAVAO_SIGNING_KEYS=[K2_PRIV], RAVAO_VERIFY_KEYS=[K1_PUB]):
        res = ApiClient().get("/keys")
        assert res.status_code == 200
        body = res.json()
        assert body["signing_kid"] == "k2"
        assert {k["kid"]: k["public_key"] for k in body["keys"]} == {
            "k2": K2_PUB.split(":")[1],
            "k1": K1_PUB.split(":")[1],
        }
        assert all(k["alg"] == "Ed25519" for k in body["keys"])


def test_the_keys_command_generates_and_lists(capsys):
    call_command("keys", "--generate", "--kid", "k9")
    out = capsys.readouterr().out
    line = [x for x in out.splitlines() if x.startswith("k9:")][0]
    with override_settings(RAVAO_SIGNING_KEYS=[line]):
        call_command("keys")
        listed = capsys.readouterr().out
    assert listed.startswith("k9\tsigns+verifies\t")
