"""The account phone encrypted and found by keyed hash; self-registered owners, whose user name
was their phone, get a non-personal handle (they log in with the phone in any form)."""

import secrets

from django.db import migrations, models

import ravao.core.crypto


def phone_like(username):
    compact = "".join(ch for ch in (username or "").strip() if ch not in " .-()_")
    return compact.lstrip("+").isdigit()


def forwards(apps, schema_editor):
    from ravao.accounts import phones

    User = apps.get_model("accounts", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for user in User.objects.all().iterator():
        clear = user.phone or (user.username if phone_like(user.username) else "")
        phone = phones.e164(clear) if clear else None
        changed = []
        if phone:
            user.phone_cipher, user.phone_hash = phone, phones.phone_hash(phone)
            changed += ["phone_cipher", "phone_hash"]
        if phone_like(user.username):
            handle = f"owner-{secrets.token_hex(4)}"
            while handle in taken:
                handle = f"owner-{secrets.token_hex(4)}"
            taken.add(handle)
            user.username = handle
            changed.append("username")
        if changed:
            user.save(update_fields=changed)


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(phone_cipher="").iterator():
        user.phone = user.phone_cipher[:32]
        user.save(update_fields=["phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_device_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_cipher",
            field=ravao.core.crypto.EncryptedTextField(blank=True, default="", verbose_name="phone"),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_hash",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(default=False, verbose_name="must change password"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="user", name="phone"),
        migrations.RenameField(model_name="user", old_name="phone_cipher", new_name="phone"),
    ]
