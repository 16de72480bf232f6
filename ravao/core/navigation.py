"""The menu each role sees. Apps register entries here as they grow; views stay thin."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ravao.accounts.models import Role
from ravao.checkins import menu as checkins_menu
from ravao.gate import menu as gate_menu
from ravao.oversight import menu as oversight_menu
from ravao.tracing import menu as tracing_menu
from ravao.venues import menu as venues_menu

ALL = set(Role.values)
OFFICIALS = {
    Role.NATIONAL_ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.DISTRICT_OFFICIAL,
    Role.COMMUNE_OFFICIAL,
    Role.SECTOR_OFFICIAL,
}

# (url name, label, roles that see it, short description)
MENU = [
    ("units:list", _("Administrative map"), OFFICIALS | {Role.TRACER, Role.AUDITOR}, _("Units in your area, population")),
    ("audit:list", _("Audit log"), {Role.AUDITOR, Role.NATIONAL_ADMIN}, _("Who read personal data, when and why")),
    ("accounts:users", _("Accounts"), OFFICIALS - {Role.SECTOR_OFFICIAL}, _("Create and deactivate accounts in your area")),
    ("oversight:dashboard", oversight_menu.DASHBOARD[0], OFFICIALS, oversight_menu.DASHBOARD[1]),
    ("oversight:campaign", oversight_menu.CAMPAIGN[0], OFFICIALS, oversight_menu.CAMPAIGN[1]),
    ("oversight:guides", oversight_menu.GUIDES[0], ALL, oversight_menu.GUIDES[1]),
    ("gate:scanner", gate_menu.SCANNER[0], {Role.VENUE_MANAGER, Role.GATE_STAFF}, gate_menu.SCANNER[1]),
    ("checkins:venues", checkins_menu.INSIDE[0], {Role.VENUE_MANAGER, Role.GATE_STAFF}, checkins_menu.INSIDE[1]),
    ("venues:list", venues_menu.REGISTRY[0], OFFICIALS, venues_menu.REGISTRY[1]),
    ("venues:import", venues_menu.IMPORT[0], OFFICIALS, venues_menu.IMPORT[1]),
    ("venues:mine", venues_menu.MINE[0], {Role.VENUE_MANAGER, Role.GATE_STAFF}, venues_menu.MINE[1]),
    ("tracing:cases", tracing_menu.CASES[0], {Role.TRACER, Role.NATIONAL_ADMIN}, tracing_menu.CASES[1]),
    ("tracing:windows", tracing_menu.WINDOWS[0], {Role.TRACER, Role.NATIONAL_ADMIN}, tracing_menu.WINDOWS[1]),
    ("tracing:exposures", tracing_menu.EXPOSURES[0], ALL, tracing_menu.EXPOSURES[1]),
    ("accounts:tokens", _("API tokens"), ALL, _("Tokens for scripts and integrations")),
]


def menu_for(user):
    entries = []
    for name, label, roles, description in MENU:
        if user.effective_role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        entries.append({"url": url, "label": label, "description": description})
    return entries
