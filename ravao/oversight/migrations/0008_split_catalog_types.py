from django.db import migrations


def move(apps, schema_editor):
    from ravao.catalog.data import move_to_split_types

    move_to_split_types(apps.get_model("oversight", "TargetEstablishment"), apps.get_model("catalog", "VenueType"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0007_responsibility"), ("catalog", "0003_split_types")]
    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
