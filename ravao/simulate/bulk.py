"""Bulk writes for the simulator: COPY on PostgreSQL, executemany on SQLite.

Rows are given column by column (lists of equal length, values already as the database wants
them: ints, strings, None); columns a model has but the caller does not give (fields other
apps add later) are filled with the field's default, so the simulator keeps working as models
grow. Ids are reserved up front from the table's own sequence, which is safe while other
sessions insert too, so that rows written later (visits) can refer to rows written now.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import connections, models
from django.utils import timezone

NULL = None


def _quote_name(conn, name: str) -> str:
    return conn.ops.quote_name(name)


class BulkWriter:
    """Writes column lists into a model's table through the fastest path of the backend."""

    def __init__(self, using: str = "default"):
        self.conn = connections[using]
        self.vendor = self.conn.vendor

    # -- ids ---------------------------------------------------------------------------------
    def reserve_ids(self, model: type[models.Model], n: int) -> list[int]:
        """``n`` new primary keys for ``model`` that no other writer will use."""
        if n <= 0:
            return []
        table = model._meta.db_table
        with self.conn.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                ids = [r[0] for r in cur.fetchall()]
                ids.sort()
                return ids
            # SQLite: one writer at a time (IMMEDIATE transactions), so max(id) is ours.
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote_name(self.conn, table)}")
            start = cur.fetchone()[0] + 1
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
            if row and row[0] is not None:
                start = max(start, row[0] + 1)
            ids = list(range(start, start + n))
            # Keep AUTOINCREMENT-style sequences ahead of what we hand out (a no-op otherwise).
            cur.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [ids[-1], table])
            return ids

    # -- rows --------------------------------------------------------------------------------
    def defaults_for(self, model: type[models.Model], given: Sequence[str]) -> dict[str, object]:
        """Database values for every concrete column of ``model`` not in ``given``."""
        out = {}
        for field in model._meta.concrete_fields:
            if field.column in given or (field.primary_key and field.column == "id"):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = field.get_db_prep_save(timezone.now(), self.conn)
            elif field.has_default():
                value = field.get_db_prep_save(field.get_default(), self.conn)
            elif field.null:
                value = None
            elif isinstance(field, (models.CharField, models.TextField)):
                value = ""
            else:
                raise ValueError(f"the simulator has no value for {model.__name__}.{field.name}")
            out[field.column] = value
        return out

    def write(self, model: type[models.Model], columns: dict[str, Sequence]) -> int:
        """Insert the rows given column-wise; returns the number of rows."""
        names = list(columns)
        fill = self.defaults_for(model, names)
        n = len(next(iter(columns.values()))) if columns else 0
        if n == 0:
            return 0
        cols = [columns[c] for c in names]
        for name, value in fill.items():
            names.append(name)
            cols.append(_Repeat(value, n))
        table = model._meta.db_table
        if self.vendor == "postgresql":
            self._copy(table, names, cols, n)
        else:
            self._executemany(table, names, cols)
        return n

    def _copy(self, table: str, names: list[str], cols: list, n: int) -> None:
        texts = [_as_copy_text(col, n) for col in cols]
        column_list = ", ".join(_quote_name(self.conn, c) for c in names)
        self.conn.ensure_connection()
        with self.conn.cursor() as cur:
            raw = cur.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {_quote_name(self.conn, table)} ({column_list}) FROM STDIN") as copy:
                step = 50_000
                for lo in range(0, n, step):
                    hi = min(n, lo + step)
                    chunk = "\n".join(map("\t".join, zip(*(t[lo:hi] for t in texts), strict=True)))
                    copy.write(chunk + "\n")

    def _executemany(self, table: str, names: list[str], cols: list) -> None:
        column_list = ", ".join(_quote_name(self.conn, c) for c in names)
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {_quote_name(self.conn, table)} ({column_list}) VALUES ({marks})"
        rows = list(zip(*(list(c) for c in cols), strict=True))
        with self.conn.cursor() as cur:
            for lo in range(0, len(rows), 20_000):
                cur.executemany(sql, rows[lo : lo + 20_000])


class _Repeat:
    """A constant column without materialising a list until needed."""

    def __init__(self, value, n):
        self.value, self.n = value, n

    def __iter__(self):
        return iter([self.value] * self.n)

    def __len__(self):
        return self.n


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    return str(value)


def _as_copy_text(col, n: int) -> list[str]:
    if isinstance(col, _Repeat):
        return [_text(col.value)] * n
    if isinstance(col, list) and col and isinstance(col[0], str):
        # Generated strings (codes, ciphertexts, times) never hold tabs or backslashes; names
        # and free text come through _text.
        return col
    return [_text(v) for v in col]


def int_column(values) -> list:
    """A numpy array (or list) of ints as a list of Python ints, -1 meaning NULL."""
    return [None if v < 0 else v for v in values.tolist()]
