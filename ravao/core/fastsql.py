"""Plain SQL for the check-in hot path: prepared statements and model rows without the ORM's
per-query work.

The ORM compiles every query anew (0.7–0.9 ms of CPU before any I/O, docs/performance.md) and a
``RawQuerySet`` still resolves its columns and converters on every call. The few statements that
every check-in runs are written in SQL here instead:

* :func:`cursor` gives a cursor whose statements PostgreSQL *prepares* once they have run a few
  times on the connection (server-side binding: the ``prepare_threshold`` that settings.py gives PostgreSQL): planning a
  statement over 40 daily partitions costs more than executing it. Through Django's cursor
  wrapper, so query logging, ``execute_wrapper`` hooks and the tests' query counts see them.
  On SQLite (and when the threshold is unset) it is the ordinary cursor.
* :func:`models` turns rows into model instances with Django's own converters (decryption,
  SQLite's date types), worked out once per model and connection instead of once per query.
"""

from contextlib import contextmanager
from functools import lru_cache

from django.db import connections, transaction


def _prepares(connection) -> bool:
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


@contextmanager
def cursor():
    """A cursor on the current connection (inside or outside a transaction)."""
    connection = transaction.get_connection()
    if not _prepares(connection):
        with connection.cursor() as c:
            yield c
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as c:
        yield c


def columns(model, alias: str = "", fields: tuple[str, ...] = ()) -> str:
    """Columns for a SELECT (``alias.`` prefixed): the model's concrete fields in order, or the
    named ``fields`` (attnames)."""
    return _columns(model, alias, fields)


@lru_cache(maxsize=64)
def _columns(model, alias: str, fields: tuple[str, ...]) -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{f.column}"' for f in _fields(model, fields))


def _fields(model, names: tuple[str, ...]):
    if not names:
        return model._meta.concrete_fields
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[n] for n in names]


def models(model, rows, connection, *, fields: tuple[str, ...] = (), extra: tuple[str, ...] = (), **known) -> list:
    """Instances of ``model`` from rows selected with :func:`columns` (same ``fields``, same
    order), plus ``extra`` trailing values set as attributes (e.g. a computed ``status_now``)
    and ``known`` attribute values (e.g. the ``person_id`` the query was for)."""
    names, converters = _converters(model, fields, connection.alias)
    n = len(names)
    out = []
    for row in rows:
        values = list(row[:n])
        for i, chain, col in converters:
            for convert in chain:
                values[i] = convert(values[i], col, connection)
        if fields:
            obj = model(**dict(zip(names, values, strict=True)), **known)
            obj._state.adding, obj._state.db = False, connection.alias
        else:
            obj = model.from_db(connection.alias, names, values)
        for name, value in zip(extra, row[n:], strict=True):
            setattr(obj, name, value)
        out.append(obj)
    return out


@lru_cache(maxsize=64)
def _converters(model, fields: tuple[str, ...], alias: str):
    """(attnames, [(index, converters, column expression)]) as the ORM's compiler builds them."""
    connection = connections[alias]
    chosen = _fields(model, fields)
    chains = []
    for i, f in enumerate(chosen):
        col = f.get_col(model._meta.db_table)
        chain = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
        if chain:
            chains.append((i, tuple(chain), col))
    return [f.attname for f in chosen], tuple(chains)


def insert_unless_conflict(obj) -> bool:
    """INSERT ``obj`` (a new model instance) unless a unique constraint already holds its twin:
    ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL, SQLite ≥ 3.35). Sets ``obj.pk``
    and returns True when inserted; False when another row (perhaps another request's, racing
    this one) won. Without the database's own arbiter, two check-ins of one new identity that
    arrive together would both insert."""
    model = type(obj)
    connection = transaction.get_connection()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    cols = ", ".join(f'"{f.column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = model._meta.pk.column
    with cursor() as c:
        c.execute(
            f'INSERT INTO {model._meta.db_table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING RETURNING "{pk}"',
            values,
        )
        row = c.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True
