"""Presence rows are insert-only and read through an index-only scan (``presence_unit_day_idx``),
which needs the visibility map to be current. By default autovacuum waits for 20 % of the table
in new rows — six days of a 30-day table — so the recent days that pages ask about would be read
from the heap (5× slower, performance.md §7). Vacuum after 1 % instead (PostgreSQL only)."""

from django.db import migrations

TABLE = "oversight_presenceday"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_insert_scale_factor = 0.01)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_insert_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("oversight", "0005_presence_unit_day_index")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
