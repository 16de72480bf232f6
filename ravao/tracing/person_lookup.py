"""Finding a person by phone or ID number through the keyed hashes (never by decrypting).

The normalisation is the check-in's own (``ravao.people.identity``), so that the hashes match
whichever way the person checked in. A tracer only finds people of their jurisdiction: who live
in it (``Person.unit``) or have a visit at a venue in it (``Visit.objects.restrict``); anyone
else answers the same 404 as an unknown number (docs/tracing.md, "Jurisdiction").
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from ravao.checkins.models import Visit
from ravao.core.crypto import lookup_hash
from ravao.core.errors import Conflict, NotFound, ServiceError
from ravao.people import identity
from ravao.people.models import Person

MAX_CANDIDATES = 20  # people sharing one phone (a family, a shop's phone): more is a data problem


def in_jurisdiction(user, qs):
    """``qs`` (people) narrowed to those ``user`` may trace: living in or visiting their area."""
    if user is None or user.is_national:
        return qs
    path = user.unit.path
    visited = Visit.objects.restrict(user).filter(person_id__in=list(qs.values_list("id", flat=True)))
    return qs.filter(Q(unit__path__startswith=path) | Q(id__in=visited.values("person_id")))


def person_find(*, phone: str = "", id_number: str = "", user=None) -> Person:
    """The person with this phone or ID number in ``user``'s jurisdiction (all of it without a
    user); a translated 404 when there is none, a 409 when several people share the number."""
    if phone:
        value = identity.normalise_phone(phone)  # a bad number: a 400 with the check-in's message
        qs = Person.objects.filter(phone_hash=lookup_hash(value))
    elif id_number:
        value = identity.normalise_id_number(id_number)
        qs = Person.objects.filter(id_hash=lookup_hash(value))
    else:
        raise ServiceError(_("Give the person's phone number or ID number."))
    qs = Person.objects.filter(id__in=list(qs.order_by("id").values_list("id", flat=True)[:MAX_CANDIDATES]))
    found = list(in_jurisdiction(user, qs).select_related("unit").order_by("id")[:2])
    if not found:
        raise NotFound(_("Nobody with this phone or ID number lives or has checked in in your area."))
    if len(found) > 1:
        if phone:
            raise Conflict(
                _("Several people share this phone number: give the person's ID number instead."), code="shared_phone"
            )
        raise Conflict(
            _("Several people have this ID number: ask an administrator to correct the records."),
            code="shared_id_number",
        )
    return found[0]
