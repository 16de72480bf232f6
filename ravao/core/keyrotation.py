"""Re-encrypt personal data at rest under the newest field key (``ravao rotatekeys``).

Rotation is: prepend a new key to RAVAO_FIELD_KEYS (every key still decrypts), run this, then
drop the old key. Each ``EncryptedTextField`` column of every model is read by primary key in
batches; a token that the newest key alone cannot open is re-encrypted with
``MultiFernet.rotate`` and written back, one transaction per batch. Tokens already under the
newest key are left as they are, so an interrupted run is simply run again (idempotent), and
the application keeps working throughout (old and new tokens both decrypt). Every run that
writes is recorded: the caller passes ``record(report, stopped)``, which the ``rotatekeys``
command (in the audit app, since core sits below it) writes to the audit log.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import connection, transaction

from ravao.core.crypto import EncryptedTextField, fernet, newest_key


@dataclass
class RotationReport:
    rows_read: int = 0
    tokens_rotated: int = 0
    per_table: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        detail = ", ".join(f"{table} {n:,}" for table, n in sorted(self.per_table.items()) if n)
        return f"read {self.rows_read:,} rows, re-encrypted {self.tokens_rotated:,} values" + (
            f" ({detail})" if detail else ""
        )


def encrypted_columns() -> list[tuple[type, list[str]]]:
    """Every concrete model with encrypted fields, and the columns of those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns:
            found.append((model, columns))
    return found


class UnreadableToken(Exception):
    """A stored value that none of RAVAO_FIELD_KEYS opens (a key was dropped too early)."""


def rotate_all(
    *,
    record: Callable[[RotationReport, str], None],
    batch: int = 2_000,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RotationReport:
    """Re-encrypt everything; ``record(report, stopped)`` is called once for a run that writes,
    also when it stops on an unreadable value (``stopped`` says why; empty when it finished)."""
    newest = Fernet(newest_key().encode())
    report = RotationReport()
    try:
        _rotate_models(report, newest, batch=batch, dry_run=dry_run, progress=progress)
    except UnreadableToken as e:
        if not dry_run:
            record(report, str(e))
        raise
    if not dry_run:
        record(report, "")
    return report


def _rotate_models(report: RotationReport, newest: Fernet, *, batch: int, dry_run: bool, progress) -> None:
    for model, columns in encrypted_columns():
        table, last = model._meta.db_table, None
        report.per_table[table] = 0
        while True:
            with transaction.atomic():  # a batch is written whole or not at all
                rows, changed = _rotate_batch(model, columns, newest, after=last, batch=batch, dry_run=dry_run)
            report.per_table[table] += changed  # counted once committed, so a stop reports what was written
            report.tokens_rotated += changed
            report.rows_read += len(rows)
            if len(rows) < batch:
                break
            last = rows[-1][0]
        if progress:
            progress(f"{table}: {report.per_table[table]:,} values re-encrypted")


def _rotate_batch(model, columns: list[str], newest: Fernet, *, after, batch: int, dry_run: bool):
    """Re-encrypt the next ``batch`` rows after primary key ``after``; returns (rows, values changed)."""
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    where = "" if after is None else f"WHERE {pk} > %s"
    multi, changed = fernet(), 0
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {pk}, {', '.join(qn(c) for c in columns)} FROM {table} {where} ORDER BY {pk} LIMIT %s",
            [batch] if after is None else [after, batch],
        )
        rows = cur.fetchall()
        for row in rows:
            changes = {}
            for column, token in zip(columns, row[1:], strict=True):
                if token and not _opens(newest, token):
                    try:
                        changes[column] = multi.rotate(token.encode()).decode()
                    except InvalidToken:
                        raise UnreadableToken(
                            f"{model._meta.db_table}.{column} of row {row[0]} opens with none of RAVAO_FIELD_KEYS: "
                            "put back the key it was written with; nothing of this batch was written"
                        ) from None
            if changes and not dry_run:
                cur.execute(
                    f"UPDATE {table} SET {', '.join(f'{qn(c)} = %s' for c in changes)} WHERE {pk} = %s",
                    [*changes.values(), row[0]],
                )
            changed += len(changes)
    return rows, changed


def _opens(key: Fernet, token: str) -> bool:
    try:
        key.decrypt(token.encode())
    except InvalidToken:
        return False
    return True
