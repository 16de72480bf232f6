"""The progress report's section on loudspeaker and radio broadcasts (registered with the report
builder, ``oversight.reportdoc.add_section``, from this app's ``AppConfig.ready``)."""

from django.utils.translation import gettext as _

from ravao.mobilisation.models import Channel
from ravao.mobilisation.selectors import broadcast_counts
from ravao.oversight import selectors
from ravao.oversight.reportdoc import Section, Table


def broadcast_section(*, user, scope, document) -> Section | None:
    """Broadcasts made in the unit and each of its child units over the report's period; none
    for a sector's report (broadcasts belong to committees, not departments)."""
    if scope.sector is not None or scope.unit is None:
        return None
    children = selectors.children_of(user=user, scope=scope)
    counts = broadcast_counts(units=[scope.unit, *children], first=scope.first, last=scope.last, user=user)
    own = counts[scope.unit.pk]
    paragraphs = [
        _("%(total)s broadcasts were logged over the period: %(loud)s on commune loudspeakers, %(radio)s on radio.")
        % {"total": own["total"], "loud": own[Channel.LOUDSPEAKER], "radio": own[Channel.RADIO]}
    ]
    tables = []
    if children:
        silent = [c.name for c in children if not counts[c.pk]["total"]]
        if silent:
            paragraphs.append(_("No broadcast logged in: %(units)s.") % {"units": ", ".join(silent)})
        tables.append(
            Table(
                _("Broadcasts"),
                [_("Unit"), _("Commune loudspeakers"), _("District radio"), _("Total")],
                [None, "scans", "scans", "scans"],  # whole numbers, drawn as counts
                rows=[
                    [c.name, counts[c.pk][Channel.LOUDSPEAKER], counts[c.pk][Channel.RADIO], counts[c.pk]["total"]]
                    for c in children
                ],
                marked={i for i, c in enumerate(children) if not counts[c.pk]["total"]},
            )
        )
    return Section(_("Loudspeaker and radio broadcasts"), paragraphs, tables)
