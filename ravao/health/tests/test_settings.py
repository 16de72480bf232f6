"""The health settings page: a province official sets their province's hotline and rules (the
rest follows the national defaults), national administrators the defaults; nobody else."""

import pytest
from django.test import Client

from ravao.catalog.models import VenueType
from ravao.health.models import ColourRule, HealthContact
from ravao.health.rules import advice_for


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_province_official_sets_the_hotline_and_a_rule(small_map, users):
    market = VenueType.objects.get(code="market")
    page = logged_in(users["province"]).get("/health/settings/")
    assert page.status_code == 200 and "1900 9095" in page.content.decode()  # the national default shown
    answer = logged_in(users["province"]).post(
        "/health/settings/",
        {
            "hotline": "0234 3822 222",
            "health_station": "Trạm y tế phường",
            "auto_warnings": "on",
            "margin_minutes": "90",
            f"a_{market.pk}_yellow": "refer",
            f"i_{market.pk}_yellow": "Mời ra lều sàng lọc",
        },
    )
    assert answer.status_code == 302
    contact = HealthContact.objects.get(unit=small_map.province)
    assert (contact.hotline, contact.auto_warnings, contact.warning_margin_minutes) == ("0234 3822 222", True, 90)
    assert ColourRule.objects.get(unit=small_map.province, venue_type=market, status="yellow").action == "refer"
    # Left at "national default": no province row, the national rule applies.
    assert not ColourRule.objects.filter(unit=small_map.province, status="red").exists()
    venue = type("V", (), {"unit_id": small_map.commune_a.pk, "venue_type_id": market.pk})()
    assert advice_for(status="red", venue=venue).action == "refuse"
    assert advice_for(status="yellow", venue=venue).instruction == "Mời ra lều sàng lọc"


@pytest.mark.parametrize("who", ["district_a", "commune_a", "tracer", "health", "staff"])
def test_others_may_not_change_the_settings(users, who):
    assert logged_in(users[who]).get("/health/settings/").status_code == 403


def test_the_national_administrator_sets_the_defaults(users):
    answer = logged_in(users["national"]).post("/health/settings/", {"hotline": "1900 3228"})
    assert answer.status_code == 302
    assert HealthContact.objects.get(unit__isnull=True).hotline == "1900 3228"


def test_a_bad_hotline_is_refused_with_a_message(users):
    answer = logged_in(users["province"]).post("/health/settings/", {"hotline": "call us"})
    assert answer.status_code == 200 and not HealthContact.objects.filter(unit__isnull=False).exists()
