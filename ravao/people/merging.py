"""Merging people who are one identity (migration people 0004, before its unique constraints).

Before the database enforced one person per identity, check-ins that raced could create the
same person twice (docs/identity.md). This keeps the oldest row of each group — same ID number,
or same phone and name without an ID number — fills its blank fields from the others, moves
every row that points at the others (visits, declarations, cases, follow-ups, notifications,
companions, presence rows) to it, deletes the others and writes one audit entry per group.

It works on any app registry (``django.apps.apps`` or a migration's historical one), so the
migration and the tests run the same code.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction

from ravao.core.crypto import lookup_hash
from ravao.people.identity import name_key

FILLED = ("full_name", "phone", "phone_hash", "id_number", "birth_date", "street", "birth_year", "sex", "unit_id")


def phone_name_hash(phone_e164: str, full_name: str) -> str:
    """The keyed hash that makes (phone, folded name) one person among those without an ID."""
    if not phone_e164 or not full_name:
        return ""
    return lookup_hash(f"{phone_e164}|{name_key(full_name)}")


def fill_phone_name_hashes(apps, *, batch: int = 2_000) -> int:
    Person = apps.get_model("people", "Person")
    changed, after = 0, 0
    while True:
        rows = list(Person.objects.filter(pk__gt=after).exclude(phone="").order_by("pk")[:batch])
        if not rows:
            return changed
        after = rows[-1].pk
        for person in rows:
            person.phone_name_hash = phone_name_hash(person.phone, person.full_name)
        Person.objects.bulk_update(rows, ["phone_name_hash"])
        changed += len(rows)


def duplicate_groups(apps) -> list[list[int]]:
    """Ids of people who are one identity, oldest first, one list per group of two or more."""
    Person = apps.get_model("people", "Person")
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    rows = Person.objects.order_by("pk").values_list("pk", "id_hash", "phone_name_hash")
    for pk, id_hash, pn_hash in rows.iterator(chunk_size=5_000):
        if id_hash:
            groups[("id", id_hash)].append(pk)
        elif pn_hash:
            groups[("phone", pn_hash)].append(pk)
    return [ids for ids in groups.values() if len(ids) > 1]


def _pointers(apps):
    """(model, field name) of every column that holds a person id."""
    Person = apps.get_model("people", "Person")
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person:
                found.append((model, field.attname))
    PresenceDay = _model(apps, "oversight", "PresenceDay")
    if PresenceDay is not None:
        found.append((PresenceDay, "person_id"))
    return found


def _model(apps, app_label, name):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _move(model, attname: str, dups: list[int], survivor: int) -> None:
    """Point the rows of ``dups`` at ``survivor``; a row that would then break a unique
    constraint (the survivor already has its twin: a follow-up, a notification, a presence
    row) is the same fact twice and goes."""
    rows = model._base_manager.filter(**{f"{attname}__in": dups})
    try:
        with transaction.atomic():
            rows.update(**{attname: survivor})
        return
    except IntegrityError:
        pass
    for pk in list(rows.values_list("pk", flat=True)):
        one = model._base_manager.filter(pk=pk)
        try:
            with transaction.atomic():
                one.update(**{attname: survivor})
        except IntegrityError:
            one.delete()


def merge_duplicates(apps) -> list[tuple[int, list[int]]]:
    """Merge every group (see the module docstring); returns (survivor, merged ids) pairs."""
    Person = apps.get_model("people", "Person")
    AuditEntry = _model(apps, "audit", "AuditEntry")
    pointers = _pointers(apps)
    merged = []
    for ids in duplicate_groups(apps):
        survivor_id, dups = ids[0], ids[1:]
        with transaction.atomic():
            survivor = Person.objects.get(pk=survivor_id)
            changed = []
            for other in Person.objects.filter(pk__in=dups).order_by("pk"):
                for name in FILLED:
                    if getattr(survivor, name) in (None, "") and getattr(other, name) not in (None, ""):
                        setattr(survivor, name, getattr(other, name))
                        changed.append(name)
                if other.last_seen_at > survivor.last_seen_at:
                    survivor.last_seen_at = other.last_seen_at
                    changed.append("last_seen_at")
            for model, attname in pointers:
                if model is Person:
                    model._base_manager.filter(**{f"{attname}__in": dups}).update(**{attname: survivor_id})
                else:
                    _move(model, attname, dups, survivor_id)
            Person.objects.filter(pk__in=dups).delete()
            if changed:
                survivor.save(update_fields=sorted(set(changed)))
            if AuditEntry is not None:
                AuditEntry.objects.create(
                    action="change",
                    object_type="person",
                    object_id=str(survivor_id),
                    purpose="merge of duplicate people (one person per identity)",
                    detail={"merged": dups},
                )
        merged.append((survivor_id, dups))
    return merged
