"""Who answers for a unit's (or a sector's) progress: the write, shared by the page, the API and
``ravao responsible``, and the reads that the dashboards, the lagging lists and the reports use."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ravao.accounts import policy
from ravao.core.errors import ServiceError
from ravao.oversight.models import Responsibility
from ravao.oversight.titles import title_of

EARLIEST = date(2020, 1, 1)


@transaction.atomic
def responsibility_set(
    *,
    by,
    unit,
    sector=None,
    person_name: str,
    title: str = "",
    target_date: date | None = None,
    commitments: str = "",
) -> Responsibility:
    """Name who answers for ``unit`` (and ``sector``), with a target date and commitments.
    Setting it again replaces it (idempotent). ``by=None``: the operator (the CLI)."""
    person_name, title, commitments = person_name.strip(), title.strip(), commitments.strip()
    if not person_name:
        raise ServiceError(_("Give the name of the responsible person."))
    if len(person_name) > 120 or len(title) > 200 or len(commitments) > 2000:
        raise ServiceError(_("The name, title or commitments are too long."))
    if target_date is not None and target_date < EARLIEST:
        raise ServiceError(_("The target date is too far in the past."))
    row = Responsibility.objects.select_for_update().filter(unit=unit, sector=sector).first()
    if by is not None:
        policy.require(by, "responsibility.edit", row or Responsibility(unit=unit, sector=sector))
    row = row or Responsibility(unit=unit, sector=sector)
    row.person_name, row.title, row.target_date, row.commitments = person_name, title, target_date, commitments
    row.updated_by = by if by is not None and by.pk else None
    row.save()
    return row


def responsibles(*, user, units, sector=None) -> dict[int, Responsibility]:
    """The responsible person of each unit (for ``sector``, or the chair when None) that
    ``user`` may see, by unit id (one query)."""
    ids = [u.pk for u in units if u is not None]
    rows = Responsibility.objects.restrict(user).filter(unit_id__in=ids).select_related("unit", "sector")
    rows = rows.filter(sector=sector) if sector is not None else rows.filter(sector__isnull=True)
    return {r.unit_id: r for r in rows}


def as_json(row: Responsibility | None) -> dict | None:
    if row is None:
        return None
    return {
        "name": row.person_name,
        "title": title_of(row),
        "target_date": row.target_date.isoformat() if row.target_date else None,
        "commitments": row.commitments,
    }
