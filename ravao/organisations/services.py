"""Writes of organisations: adding one, placing a venue under one, enlisting a canvasser.

Pages and commands call these; each checks the policy and the actor's area before writing.
A retried write finds what the first one made (same name in the same place: the same
organisation; the same venue: nothing to change).
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.accounts.models import User
from ravao.accounts.services import user_create
from ravao.catalog.lookup import fold_label
from ravao.catalog.models import Sector
from ravao.core.errors import Forbidden, NotFound, ServiceError
from ravao.organisations.models import KIND_SECTORS, Canvasser, Organisation, OrganisationKind
from ravao.units.models import Unit


def organisation_get(*, user, pk: int) -> Organisation:
    found = Organisation.objects.restrict(user).select_related("unit", "parent", "sector").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such organisation in your area."))
    return found


def _new_code(name: str) -> str:
    base = fold_label(name).replace(" ", "-")[:40] or "org"
    return f"{base}-{secrets.token_hex(3)}"


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    name: str,
    kind: str,
    unit: Unit | None = None,
    parent: Organisation | None = None,
    sector: Sector | None = None,
    name_en: str = "",
) -> Organisation:
    """Add an organisation in the actor's area (``by=None``: the operator). Its unit is the one
    given, else its parent's, else the actor's; its sector follows its kind (an industrial zone
    belongs to the industrial sector) unless given; a sector official adds only to their own."""
    if by is not None:
        policy.require(by, "organisations.manage")
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ServiceError(_("The name is required."))
    if kind not in OrganisationKind.values:
        raise ServiceError(_("Unknown kind of organisation “%(kind)s”.") % {"kind": kind})
    if parent is not None and by is not None:
        parent = organisation_get(user=by, pk=parent.pk)
    if unit is None:
        unit = parent.unit if parent is not None else (by.unit if by is not None else None)
    if by is not None and unit is not None and not Unit.objects.restrict(by).filter(pk=unit.pk).exists():
        raise Forbidden(_("%(unit)s is outside your jurisdiction.") % {"unit": unit.name})
    if by is not None and unit is None and not by.is_national:
        raise Forbidden(_("Only national administrators add nationwide organisations."))
    if sector is None and kind in KIND_SECTORS:
        sector = Sector.objects.filter(code=KIND_SECTORS[kind]).first()
    if sector is None and parent is not None:
        sector = parent.sector
    if by is not None and policy.is_sector_limited(by):
        if sector is not None and sector.pk != by.sector_id:
            raise Forbidden(_("Sector officials add organisations of their own sector only."))
        sector = by.sector
    key = fold_label(name)
    existing = Organisation.objects.filter(unit=unit, parent=parent, name_key=key).first()
    if existing is not None:
        return existing
    return Organisation.objects.create(
        code=_new_code(name),
        name=name,
        name_en=(name_en or "").strip()[:200],
        name_key=key[:200],
        kind=kind,
        unit=unit,
        parent=parent,
        sector=sector,
        created_by=by,
    )


def venue_set_organisation(*, by: User | None, venue, organisation: Organisation | None):
    """Place a venue under an organisation (None: take it out). The venue must be in the actor's
    area and the organisation visible to them."""
    if by is not None:
        policy.require(by, "organisations.manage")
        policy.require(by, "venue.change", venue)
        if organisation is not None:
            organisation = organisation_get(user=by, pk=organisation.pk)
    if organisation is not None and organisation.kind == OrganisationKind.MASS:
        raise ServiceError(
            _("Venues belong to structures (a zone, an enterprise, an operator…), not to mass organisations.")
        )
    venue.organisation = organisation
    venue.save(update_fields=["organisation"])
    return venue


@transaction.atomic
def canvasser_create(
    *,
    by: User | None,
    username: str,
    password: str | None,
    unit: Unit,
    organisation: Organisation,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> User:
    """Enlist a member of a mass organisation as a canvasser of one commune: an account with
    the canvasser role (the door-to-door campaign of that commune, nothing else)."""
    if by is not None:
        policy.require(by, "campaign.canvassers")
        organisation = organisation_get(user=by, pk=organisation.pk)
    if organisation.kind != OrganisationKind.MASS:
        raise ServiceError(_("A canvasser is a member of a mass organisation."))
    user = user_create(
        actor=by,
        username=(username or "").strip(),
        password=password,
        role=policy.canvasser_role(),
        unit=unit,
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
        phone=(phone or "").strip()[:32],
    )
    Canvasser.objects.create(user=user, organisation=organisation, enlisted_by=by)
    return user
