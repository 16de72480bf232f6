"""Declarations and visits say whether they were proven; one person per identity, enforced.

Before the unique constraints, people who are one identity (created twice by racing
check-ins) are merged into the oldest row: ravao/people/merging.py, audited per group.
"""

from django.db import migrations, models


def merge_people(apps, schema_editor):
    from ravao.people import merging

    if schema_editor.connection.vendor == "postgresql":
        # Check the moved foreign keys now, not at commit: the constraints below follow.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    merging.fill_phone_name_hashes(apps)
    merging.merge_duplicates(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_default_questionnaire"),
        ("units", "0001_initial"),
        ("audit", "0001_initial"),
        ("checkins", "0004_identity_proof"),
        ("oversight", "0006_presence_autovacuum"),
        ("tracing", "0002_client_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="declaration",
            name="proven",
            field=models.BooleanField(db_default=True, default=True, verbose_name="proven"),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_name_hash",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.RunPython(merge_people, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_hash", ""), _negated=True), fields=("id_hash",), name="person_one_per_id"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_hash", ""), models.Q(("phone_name_hash", ""), _negated=True)),
                fields=("phone_name_hash",),
                name="person_one_per_phone_and_name",
            ),
        ),
    ]
