"""Venue contact name and phone are personal data (household businesses): encrypted at rest.
Existing clear values are encrypted in place (the column becomes text)."""

from django.db import migrations

import ravao.core.crypto


def encrypt_existing(apps, schema_editor):
    from ravao.core.crypto import encrypt  # noqa: PLC0415

    table = apps.get_model("venues", "Venue")._meta.db_table
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT id, contact_name, contact_phone FROM {table} WHERE contact_name <> '' OR contact_phone <> ''")
        rows = cur.fetchall()
        for pk, name, phone in rows:
            cur.execute(
                f"UPDATE {table} SET contact_name = %s, contact_phone = %s WHERE id = %s",
                [encrypt(name) if name else "", encrypt(phone) if phone else "", pk],
            )


def decrypt_existing(apps, schema_editor):
    from ravao.core.crypto import decrypt  # noqa: PLC0415

    table = apps.get_model("venues", "Venue")._meta.db_table
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT id, contact_name, contact_phone FROM {table} WHERE contact_name <> '' OR contact_phone <> ''")
        for pk, name, phone in cur.fetchall():
            cur.execute(
                f"UPDATE {table} SET contact_name = %s, contact_phone = %s WHERE id = %s",
                [decrypt(name)[:128] if name else "", decrypt(phone)[:32] if phone else "", pk],
            )


class Migration(migrations.Migration):
    dependencies = [("venues", "0004_phoneotp_user")]

    operations = [
        migrations.AlterField(
            model_name="venue", name="contact_name",
            field=ravao.core.crypto.EncryptedTextField(blank=True, max_length=128, verbose_name="contact name"),
        ),
        migrations.AlterField(
            model_name="venue", name="contact_phone",
            field=ravao.core.crypto.EncryptedTextField(blank=True, max_length=32, verbose_name="contact phone"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
