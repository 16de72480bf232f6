"""Who may do what: every capability of Ravao named once, with the roles that hold it.

``CAPABILITIES`` is the table. For each capability it lists the roles that hold it and, per
role, the condition on the object acted upon: ``IN_AREA`` (the object lies in the user's
jurisdiction, as ``restrict(user)`` sees it: unit, and sector for a sector official) or
``OWN_VENUE`` (the user is an active manager of that venue: the membership's role, not the
account's, so a gate staff account made manager of one venue manages that venue only). Pages, the API, commands,
services, selectors and the menu ask ``can`` / ``require``; the role sets and the role names
appear nowhere else (the ``Role`` choices themselves belong to the user model).

docs/roles.md is generated from this module (``ravao policytable``); a test keeps them equal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ravao.accounts import venuestaff
from ravao.accounts.models import Role
from ravao.core.errors import Forbidden, ServiceError

NATIONAL = frozenset({Role.NATIONAL_ADMIN})
LOCAL_OFFICIALS = frozenset({Role.PROVINCE_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.COMMUNE_OFFICIAL})
SECTOR_LIMITED = frozenset({Role.SECTOR_OFFICIAL})
OFFICIALS = NATIONAL | LOCAL_OFFICIALS | SECTOR_LIMITED
# Members of a mass organisation (Đoàn Thanh niên, Hội Phụ nữ…) enlisted by a commune for the
# door-to-door campaign of that commune, and for nothing else (dispatch 2278/BTTTT-THH, §2, §8).
CANVASSERS = frozenset({Role.CANVASSER})
TRACERS = frozenset({Role.TRACER})
AUDITORS = frozenset({Role.AUDITOR})
# Roles whose reach is a part of the map (their unit and below), as opposed to venue roles,
# whose reach is the venues they work at.
AREA = OFFICIALS | TRACERS | AUDITORS | CANVASSERS
VENUE_MANAGERS = frozenset({Role.VENUE_MANAGER})
VENUE = VENUE_MANAGERS | {Role.GATE_STAFF}
EVERYONE = frozenset(Role.values)

# Who may create and manage accounts of which roles. Officials manage the levels below them
# inside their unit; nobody creates a role above their own; a sector official manages nobody.
MANAGES_ACCOUNTS = {
    Role.NATIONAL_ADMIN: EVERYONE,
    Role.PROVINCE_OFFICIAL: EVERYONE - NATIONAL - {Role.PROVINCE_OFFICIAL},
    Role.DISTRICT_OFFICIAL: frozenset({Role.COMMUNE_OFFICIAL}) | VENUE | CANVASSERS,
    Role.COMMUNE_OFFICIAL: VENUE | CANVASSERS,
}

DENIED = _("Your role may not do this.")


@dataclass(frozen=True)
class Condition:
    """A check on the object acted upon, for some of a capability's roles."""

    name: str
    summary: str
    test: Callable = field(compare=False)
    # Checked even when no object is given (a condition on the account itself, e.g. its sector).
    on_account: bool = False


def _in_area(user, obj) -> bool:
    # Any model with a scoped queryset, saved or about to be: the jurisdiction decision stays in
    # accounts/scoping.py.
    from ravao.accounts import scoping

    return scoping.covers(user, obj)


def _own_venue(user, venue) -> bool:
    return venuestaff.manages_venue(user, venue)


def _health_sector(user, obj=None) -> bool:
    from ravao.catalog.models import Sector

    return user.sector_id is not None and Sector.objects.filter(pk=user.sector_id, code="health").exists()


IN_AREA = Condition("area", "in their area", _in_area)
HEALTH_SECTOR = Condition("health", "health-sector officials only", _health_sector, on_account=True)
OWN_VENUE = Condition("own", "their own venues", _own_venue)


def grant(roles, condition: Condition | None = None) -> dict:
    return dict.fromkeys(sorted(roles), condition)


@dataclass(frozen=True)
class Capability:
    summary: str  # English, for docs/roles.md (people see ``denied``, which is translated)
    holders: dict  # role -> Condition, or None when the role alone suffices
    denied: str = DENIED


CAPABILITIES = {
    # Seeing things (each has a menu entry).
    "units.view": Capability("See the administrative map of one's area", grant(AREA - CANVASSERS)),
    "audit.read": Capability("Read the audit log", grant(AUDITORS | NATIONAL)),
    "accounts.manage": Capability(
        "Create and deactivate accounts of lower levels in one's area", grant(MANAGES_ACCOUNTS)
    ),
    "tokens.manage": Capability("Issue and revoke one's own API tokens", grant(EVERYONE)),
    # Held means required: these roles read personal data or manage those who do. Others may
    # still enrol a second factor (ravao/accounts/secondfactor.py).
    "account.second_factor": Capability(
        "Must confirm each log-in with a second factor (authenticator app or recovery code)",
        grant(NATIONAL | {Role.PROVINCE_OFFICIAL} | TRACERS | AUDITORS),
    ),
    "guides.read": Capability("Read the guides", grant(EVERYONE)),
    "exposures.read": Capability("See the public list of places with possible exposure", grant(EVERYONE)),
    "oversight.view": Capability("See deployment progress and reports of one's area", grant(OFFICIALS)),
    "responsibility.edit": Capability(
        "Name who answers for a unit (or a sector in it), with a target date and commitments:"
        " officials of that unit and above",
        grant(OFFICIALS, IN_AREA),
        denied=_("Only officials of this unit or above can name who answers for it."),
    ),
    "campaign.run": Capability(
        "Take part in the door-to-door campaign of one's area: see the register, add establishments, "
        "record visits, register them as venues (and be assigned establishments to visit)",
        grant(OFFICIALS | CANVASSERS),
    ),
    "campaign.manage": Capability(
        "Lead the door-to-door campaign: assign establishments, import registers, export progress",
        grant(OFFICIALS),
        denied=_("Only officials can do this."),
    ),
    "campaign.canvassers": Capability(
        "Enlist canvassers from the mass organisations for the communes of one's area",
        grant(LOCAL_OFFICIALS | NATIONAL),
        denied=_("Only officials of a province, district or commune can enlist canvassers."),
    ),
    "organisations.view": Capability(
        "See the organisations (mass organisations, industrial zones, operators…) of one's area",
        grant(OFFICIALS),
    ),
    "organisations.manage": Capability(
        "Add organisations and place venues under them, in one's area",
        grant(OFFICIALS),
        denied=_("Only officials can do this."),
    ),
    "mobilisation.broadcast": Capability(
        "Read the loudspeaker and radio scripts of one's area, print notices and log broadcasts made",
        grant(LOCAL_OFFICIALS | NATIONAL),
        denied=_("Only officials of a province, district or commune can do this."),
    ),
    "tracing.trace": Capability(
        "Open cases, read and notify contacts, publish exposure windows",
        grant(TRACERS | NATIONAL),
        denied=_("Only health tracers may do this."),
    ),
    "forms.publish": Capability(
        "Publish a new version of the health declaration form",
        grant(NATIONAL),
        denied=_("Only a national administrator may publish the declaration form."),
    ),
    "health.followup": Capability(
        "See, export and mark as followed up the red and yellow declarants of one's area",
        grant(TRACERS | NATIONAL) | grant(SECTOR_LIMITED, HEALTH_SECTOR),
        denied=_("Only the health department (tracers, health-sector officials) may do this."),
    ),
    "health.settings": Capability(
        "Set the health hotline, automatic warnings and what a venue does with each colour "
        "(national defaults; a province's own)",
        grant(NATIONAL) | grant({Role.PROVINCE_OFFICIAL}, IN_AREA),
        denied=_("Only province officials (for their province) and national administrators may do this."),
    ),
    "gate.scan": Capability("Use the gate scanner at the venues one works at", grant(VENUE)),
    "venue.inside": Capability("See who is inside the venues one works at", grant(VENUE)),
    "venue.mine": Capability("See the venues one works at", grant(VENUE)),
    # The venue registry.
    "venue.registry": Capability(
        "Search, export and print the venue registry of one's area",
        grant(OFFICIALS),
        denied=_("Only officials can do this."),
    ),
    "venue.import": Capability(
        "Import venues from a spreadsheet", grant(OFFICIALS), denied=_("Only officials can do this.")
    ),
    "venue.posters_bulk": Capability(
        "Print the posters of many venues at once (those of one's area)",
        grant(OFFICIALS),
        denied=_("Only officials can print posters in bulk."),
    ),
    "venue.register": Capability(
        "Register a venue (officials in their area, managers for themselves)", grant(OFFICIALS | VENUE_MANAGERS)
    ),
    "venue.register_own": Capability("Become the manager of the venues one registers", grant(VENUE_MANAGERS)),
    "venue.change": Capability(
        "Change a venue's details, entrances, trips and posters",
        grant(OFFICIALS, IN_AREA) | grant(VENUE, OWN_VENUE),
        denied=_("Only the venue's managers and officials of its area can change it."),
    ),
    "venue.staff": Capability(
        "Add and remove a venue's managers and gate staff",
        grant(OFFICIALS, IN_AREA) | grant(VENUE, OWN_VENUE),
        denied=_("Only the venue's managers and officials of its area can change it."),
    ),
    "venue.work": Capability(
        "Be linked to a venue as its manager or gate staff (by accepting an invitation)", grant(VENUE)
    ),
    "venue.contact": Capability(
        "Read a venue's contact name and phone in full (audited; others see them masked)",
        grant(OFFICIALS, IN_AREA) | grant(VENUE, OWN_VENUE),
    ),
    "venue.move": Capability(
        "Move a venue to another unit (within one's area)",
        grant(OFFICIALS),
        denied=_("Only an official can move a venue to another unit."),
    ),
    "venue.verify": Capability(
        "Mark a venue verified", grant(OFFICIALS, IN_AREA), denied=_("Only officials can do this.")
    ),
    "venue.close": Capability(
        "Close a venue or reopen it (not while it is suspended)",
        grant(OFFICIALS, IN_AREA) | grant(VENUE, OWN_VENUE),
        denied=_("Only the venue's managers and officials of its area can change it."),
    ),
    "venue.suspend": Capability(
        "Suspend a venue or lift its suspension",
        grant(OFFICIALS, IN_AREA),
        denied=_("Only an official can suspend a venue or lift a suspension."),
    ),
}


def _capability(name: str) -> Capability:
    try:
        return CAPABILITIES[name]
    except KeyError:
        # A misspelt name must fail loudly, never quietly deny (or allow).
        raise LookupError(f"No capability named {name!r} in ravao/accounts/policy.py") from None


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can(user, capability: str, obj=None) -> bool:
    """May ``user`` do ``capability`` (to ``obj``)? Without ``obj``, the role alone answers
    (the menu, or "to some venue"); with it, the role's condition on the object too."""
    cap = _capability(capability)
    if not _active(user) or user.effective_role not in cap.holders:
        return False
    condition = cap.holders[user.effective_role]
    if condition is None:
        return True
    if obj is None and not condition.on_account:
        return True
    return condition.test(user, obj)


def require(user, capability: str, obj=None):
    """Return ``user`` if ``can``; else raise Forbidden with the capability's message."""
    if not can(user, capability, obj):
        raise Forbidden(str(_capability(capability).denied))
    return user


def role_may(role: str, capability: str) -> bool:
    """Does the role hold the capability (for an account other than the actor's, e.g. the one
    being linked to a venue)?"""
    return role in _capability(capability).holders


def roles_with(capability: str) -> frozenset:
    """The roles that hold ``capability`` (for a query: "the officials named X")."""
    return frozenset(_capability(capability).holders)


# --- Scope: how far a user's reach goes (the filters themselves are in accounts/scoping.py) ----


def is_area_role(role: str) -> bool:
    """Is this role's reach a part of the map (its unit and below)?"""
    return role in AREA


def scope_kind(user) -> str | None:
    """ "area" (reach: a unit and below), "venue" (the venues they work at) or None."""
    if not _active(user):
        return None
    if user.effective_role in AREA:
        return "area"
    if user.effective_role in VENUE:
        return "venue"
    return None


def is_national(user) -> bool:
    """The whole country: a national administrator, or an area role without a unit."""
    role = user.effective_role
    return role in NATIONAL or (role in AREA and user.unit_id is None)


def is_sector_limited(user) -> bool:
    """Is the user's reach narrowed to one sector (within their unit)?"""
    return user is not None and user.is_authenticated and user.effective_role in SECTOR_LIMITED


# --- Accounts -------------------------------------------------------------------------------


def manageable_roles(user) -> frozenset:
    """The roles of the accounts ``user`` may create and manage."""
    if not _active(user):
        return frozenset()
    return MANAGES_ACCOUNTS.get(user.effective_role, frozenset())


def canvasser_role() -> str:
    """The role of the accounts enlisted as canvassers (organisations/services.py)."""
    return Role.CANVASSER


def account_form_roles(user) -> frozenset:
    """The roles offered on the accounts page: canvassers are enlisted on their own page, which
    asks for their mass organisation."""
    return manageable_roles(user) - CANVASSERS


def check_role_scope(*, role: str, unit=None, sector=None) -> None:
    """An account's scope must suit its role: a sector official needs a sector, a province,
    district or commune official that unit."""
    if role not in EVERYONE:
        raise ServiceError(str(_("Unknown role “%(role)s”.")) % {"role": role})
    if role in SECTOR_LIMITED and sector is None:
        raise ServiceError(str(_("A sector official needs a sector.")))
    if role in LOCAL_OFFICIALS and unit is None:
        raise ServiceError(str(_("An official of a province, district or commune needs that unit.")))
    if role in CANVASSERS and (unit is None or unit.children.exists()):
        raise ServiceError(str(_("A canvasser belongs to one commune or ward.")))


def venue_account_role(*, manager: bool, current: str | None = None) -> str:
    """The role of a new account made to work at a venue (a venue manager's to manage it, gate
    staff otherwise), or the role an account that registers a venue itself takes. Being added
    to a venue never changes an existing account's role: what it may do at that venue follows
    its membership there (``OWN_VENUE``)."""
    if manager:
        return Role.VENUE_MANAGER
    return current if current in VENUE else Role.GATE_STAFF


def report_recipient_roles(*, national: bool) -> frozenset:
    """Who receives a unit's progress report: the national administrators for a province's,
    the province, district and commune officials of the parent unit otherwise."""
    return NATIONAL if national else LOCAL_OFFICIALS
