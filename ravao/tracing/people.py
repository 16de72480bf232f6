"""Finding a person by phone or ID number through the keyed hashes (never by decrypting).

The normalisation is the check-in's own (``ravao.people.identity``), so that the hashes match
whichever way the person checked in.
"""

from django.utils.translation import gettext as _

from ravao.api.errors import NotFound, ServiceError
from ravao.core.crypto import lookup_hash
from ravao.people import identity
from ravao.people.models import Person


def normalise_phone(raw: str) -> str | None:
    try:
        return identity.normalise_phone(raw)
    except ServiceError:
        return None


def normalise_id_number(raw: str) -> str | None:
    try:
        return identity.normalise_id_number(raw)
    except ServiceError:
        return None


def person_find(*, phone: str = "", id_number: str = "") -> Person:
    """The person with this phone or ID number; a translated 404 when there is none."""
    if phone:
        value = identity.normalise_phone(phone)  # a bad number: a 400 with the check-in's message
        person = Person.objects.filter(phone_hash=lookup_hash(value)).order_by("id").first()
    elif id_number:
        value = identity.normalise_id_number(id_number)
        person = Person.objects.filter(id_hash=lookup_hash(value)).order_by("id").first()
    else:
        raise ServiceError(_("Give the person's phone number or ID number."))
    if person is None:
        raise NotFound(_("Nobody with this phone or ID number has checked in anywhere."))
    return person
