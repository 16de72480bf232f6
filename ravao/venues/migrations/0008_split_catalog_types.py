from django.db import migrations


def move(apps, schema_editor):
    from ravao.catalog.data import move_to_split_types

    move_to_split_types(apps.get_model("venues", "Venue"), apps.get_model("catalog", "VenueType"))


class Migration(migrations.Migration):
    dependencies = [("venues", "0007_phoneotp_phone_hashed"), ("catalog", "0003_split_types")]
    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
