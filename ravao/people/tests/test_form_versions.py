"""Publishing a new version of the declaration form from the administrator's page: preview,
publish, and the next check-in (page and API) uses it at once; old declarations keep theirs.
The home unit from the address picker, in either generation of the map."""

import copy
import html
import json
import re
import uuid

import pytest
from django.test import Client

from ravao.people import questionnaires
from ravao.people.default_form import DEFAULT_FORM
from ravao.people.models import Declaration, Person, Questionnaire
from ravao.testing import ApiClient
from ravao.units.models import UnitMapping
from ravao.venues import testing as venues_testing

pytestmark = pytest.mark.django_db

ANSWERS = {"commitment": True}


@pytest.fixture
def venue(small_map):
    return venues_testing.make_venue(small_map.commune_a, "Quán Cơm Bà Lan", "restaurant")


def new_version(name="vn-2666-2") -> dict:
    """The default form with an extra required question whose "yes" is red."""
    data = copy.deepcopy(DEFAULT_FORM)
    data["version"] = name
    data["fields"].insert(
        -1,
        {
            "key": "quarantine",
            "type": "bool",
            "required": True,
            "label": {"vi": "Anh/chị có đang cách ly không?", "en": "Are you in quarantine?"},
        },
    )
    data["rules"].append({"colour": "red", "field": "quarantine", "reason": "quarantine"})
    return data


def api_checkin(venue, declaration, **extra):
    body = {
        "venue": venue.code,
        "client_id": str(uuid.uuid4()),
        "person": {"full_name": "Nguyễn Văn An", "phone": "0912345678", "birth_year": 1990},
        "declaration": declaration,
        **extra,
    }
    return ApiClient().post("/checkins", body)


def test_only_a_national_administrator_opens_the_form_pages(users):
    for role in ("province", "tracer", "manager"):
        client = Client()
        client.force_login(users[role])
        assert client.get("/people/forms/new").status_code == 403
    client = Client()
    client.force_login(users["national"])
    page = client.get("/people/forms/new")
    assert page.status_code == 200
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.content.decode(), re.S).group(1)
    draft = json.loads(html.unescape(text))
    assert draft["version"] == "vn-2666-2"  # the current one, renamed


def test_preview_then_publish_and_the_next_check_in_uses_it(users, venue):
    before = api_checkin(venue, ANSWERS)
    assert before.status_code == 201
    client = Client()
    client.force_login(users["national"])
    text = json.dumps(new_version(), ensure_ascii=False)

    preview = client.post("/people/forms/new", {"definition": text, "action": "preview"})
    shown = preview.content.decode()
    assert preview.status_code == 200 and "Anh/chị có đang cách ly không?" in shown and 'name="q_quarantine"' in shown
    assert not Questionnaire.objects.filter(version="vn-2666-2").exists()  # a preview publishes nothing

    done = client.post("/people/forms/new", {"definition": text, "action": "publish"})
    assert done.status_code == 302
    assert questionnaires.current_version() == "vn-2666-2"
    assert Questionnaire.objects.get(version="vn-2666-2").published_by == users["national"]

    # The visitor page asks the new question at once; answers for the old version are refused.
    page = Client().get(f"/c/{venue.code}").content.decode()
    assert 'name="q_quarantine"' in page and 'name="form_version" value="vn-2666-2"' in page
    stale = api_checkin(venue, ANSWERS, form_version="vn-2666-1")
    assert stale.status_code == 409 and stale.json()["code"] == "form_changed"
    missing = api_checkin(venue, ANSWERS)
    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"quarantine"}
    red = api_checkin(venue, {**ANSWERS, "quarantine": True}, form_version="vn-2666-2")
    assert red.status_code == 201 and red.json()["status"] == "red"

    versions = dict(Declaration.objects.values_list("reasons", "questionnaire__version"))
    assert versions == {"": "vn-2666-1", "quarantine": "vn-2666-2"}  # the old one keeps its version


def test_a_version_published_by_another_worker_counts_without_a_restart(venue):
    # This process has the current version in memory…
    assert questionnaires.questionnaire().version == "vn-2666-1"
    assert api_checkin(venue, ANSWERS).status_code == 201
    # …another worker publishes (straight to the database, nothing of this process touched).
    data = new_version("vn-2666-9")
    Questionnaire.objects.update(is_current=False)
    Questionnaire.objects.create(
        version=data["version"], title=data["title"], fields=data["fields"], rules=data["rules"], is_current=True
    )
    res = api_checkin(venue, {**ANSWERS, "quarantine": False})
    assert res.status_code == 201, res.json()
    assert Declaration.objects.order_by("-id").first().questionnaire.version == "vn-2666-9"


def test_a_version_with_mistakes_is_shown_back_with_every_problem(users):
    client = Client()
    client.force_login(users["national"])
    data = new_version()
    data["rules"].append({"colour": "purple", "field": "quarantine"})
    res = client.post("/people/forms/new", {"definition": json.dumps(data), "action": "publish"})
    assert res.status_code == 400 and "purple" in res.content.decode()
    res = client.post("/people/forms/new", {"definition": "{not json", "action": "preview"})
    assert res.status_code == 400
    existing = client.post("/people/forms/new", {"definition": json.dumps(DEFAULT_FORM), "action": "publish"})
    assert existing.status_code == 400 and "vn-2666-1" in existing.content.decode()
    assert questionnaires.current_version() == "vn-2666-1"


def test_the_address_sets_the_home_unit_in_either_generation_of_the_map(venue, small_map):
    new = api_checkin(
        venue,
        ANSWERS,
        person={"full_name": "A", "phone": "0911000001", "birth_year": 1990, "address": {"unit": "19774"}},
    )
    assert new.status_code == 201
    UnitMapping.objects.create(old=small_map.legacy_commune_a1, new=small_map.commune_a)
    body = {
        "full_name": "B",
        "phone": "0911000002",
        "birth_year": 1990,
        "nationality": "Hàn Quốc",
        "address": {"unit": "19753 — Phường Phú Thuận, Thành phố Huế", "generation": "legacy", "street": "5 Lê Lợi"},
    }
    old_map = api_checkin(venue, ANSWERS, person=body)
    assert old_map.status_code == 201, old_map.json()
    homes = {p.full_name: (p.unit_id, p.nationality, p.street) for p in Person.objects.all()}
    assert homes["A"][0] == small_map.commune_b.pk
    assert homes["B"] == (small_map.commune_a.pk, "KR", "5 Lê Lợi")
    wrong = api_checkin(
        venue, ANSWERS, person={"full_name": "C", "phone": "0911000003", "birth_year": 1990, "address": {"unit": "Xyz"}}
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "bad_unit"


def test_the_api_gives_the_current_version_to_answer():
    res = ApiClient().get("/forms/current")
    assert res.status_code == 200
    body = res.json()
    assert body["version"] == "vn-2666-1" and body["fields"][-1]["type"] == "commitment"
    assert {"colour": "red", "field": "contact_case"}.items() <= body["rules"][0].items()
