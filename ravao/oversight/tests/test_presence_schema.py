"""The presence table's layout for range counts: a (unit, day, person) index read alone, kept
readable alone by an eager autovacuum (PostgreSQL)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from ravao.oversight.models import PresenceDay
from ravao.oversight.ranges import range_counts

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL layout")


def test_the_range_index_and_the_eager_autovacuum_are_in_place(db):
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'presence_unit_day_idx'")
        assert "(unit_id, day, person_id)" in cur.fetchone()[0]
        cur.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [PresenceDay._meta.db_table])
        assert "autovacuum_vacuum_insert_scale_factor=0.01" in cur.fetchone()[0]


def test_a_units_range_count_reads_the_unit_day_index(db):
    """The plan of the on-the-spot count for one unit reads the new index, not (day, unit)."""
    unit_id, first = 1, date(2026, 11, 15)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned whole
        cur.execute(
            "EXPLAIN SELECT DISTINCT person_id FROM oversight_presenceday p "
            "WHERE p.unit_id = %s AND p.day >= %s AND p.day <= %s",
            [unit_id, first, first + timedelta(days=5)],
        )
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "presence_unit_day_idx" in plan, plan
    assert range_counts(
        generation="2025", sector_id=None, first=first, last=first + timedelta(days=5), unit_ids=[unit_id], whole=False
    ) == {unit_id: 0}
