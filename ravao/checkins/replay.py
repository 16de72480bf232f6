"""Idempotency of check-ins: a ``client_id`` (a UUID made by the client, kept by offline gates
until the server answers) is answered once; a retry gets the stored answer and writes nothing.

The answer row is claimed last, in the work's own transaction, by one prepared statement
(``INSERT … ON CONFLICT (client_id) DO NOTHING``): no lookup before the work. On conflict (a
retry, or a concurrent duplicate that committed first: the INSERT waits for it) the work rolls
back and the stored answer is given.
"""

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ravao.checkins import conf
from ravao.checkins.models import CheckinReplay
from ravao.core import fastsql
from ravao.core.errors import Conflict, ServiceError

_FIELDS = {f.column: f for f in CheckinReplay._meta.concrete_fields}
_CLAIM_SQL = (
    f"INSERT INTO {CheckinReplay._meta.db_table} (client_id, actor, body, created_at) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (client_id) DO NOTHING"
)


class _Answered(Exception):
    """This client_id already has an answer: roll the work back and give that answer."""


def stored(client_id: uuid.UUID, actor: str) -> dict | None:
    """The stored answer to ``client_id`` (None if none); Conflict if another client used it."""
    found = CheckinReplay.objects.filter(client_id=client_id).values_list("actor", "body").first()
    if found is None:
        return None
    if found[0] != actor:
        raise Conflict(_("This client_id has already been used by another client."), code="client_id_taken")
    return found[1]


def _claim(client_id, actor: str, body: dict) -> bool:
    """Store ``body`` as the answer to ``client_id`` unless it has one. True if stored."""
    connection = transaction.get_connection()
    values = {"client_id": client_id, "actor": actor, "body": body, "created_at": timezone.now()}
    params = [_FIELDS[column].get_db_prep_save(value, connection) for column, value in values.items()]
    with fastsql.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, params)
        return cursor.rowcount == 1


def once(client_id, actor: str, work, *, keep, restore):
    """Run ``work()`` (returns a CheckinResult) once per client_id. The first time, its answer
    ``keep(result)`` (answers.py) is kept for the client_id and the result is returned with it as
    ``answer``; after that, ``restore(kept answer)`` is returned (a result with ``replayed``).
    ``work`` and the replay row share one transaction: if the client_id was answered before,
    everything ``work`` wrote rolls back and the kept answer is given, even if ``work`` now
    refuses (e.g. the venue was suspended since)."""
    if client_id is None:
        raise ServiceError(_("client_id is required (a UUID made by the client)."), code="client_id_required")
    try:
        with transaction.atomic():
            result = work()
            answer = keep(result)
            if not _claim(client_id, actor, answer):
                raise _Answered
        # The answer is made from the result itself: set on it once, as a frozen dataclass sets
        # a derived field in __post_init__, rather than copying the result on the hot path.
        object.__setattr__(result, "answer", answer)
        return result
    except (_Answered, ServiceError, IntegrityError):
        answer = stored(client_id, actor)
        if answer is None:
            raise
        return restore(answer)


def purge(*, before: datetime | None = None) -> int:
    """Forget client_id answers older than RAVAO_REPLAY_KEEP_HOURS (retention calls this)."""
    before = before or timezone.now() - timedelta(hours=conf.replay_keep_hours())
    return CheckinReplay.objects.filter(created_at__lt=before).delete()[0]
