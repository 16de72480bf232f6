"""One-time codes keep no phone number in clear (issue 15): a keyed hash to find a number's
codes and the number encrypted."""

from django.db import migrations, models

import ravao.core.crypto


def hash_and_encrypt(apps, schema_editor):
    from ravao.core.crypto import lookup_hash

    PhoneOTP = apps.get_model("venues", "PhoneOTP")
    for otp in PhoneOTP.objects.only("pk", "phone").iterator():
        PhoneOTP.objects.filter(pk=otp.pk).update(
            phone_hash=lookup_hash(f"otp-phone|{otp.phone}"), phone_encrypted=otp.phone  # the field encrypts
        )


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0006_membership_invitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="phoneotp",
            name="phone_hash",
            field=models.CharField(db_index=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="phoneotp",
            name="phone_encrypted",
            field=ravao.core.crypto.EncryptedTextField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(hash_and_encrypt, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="phoneotp", name="phone"),
    ]
