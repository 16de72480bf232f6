from django.db import migrations


def load(apps, schema_editor):
    from ravao.catalog.data import load_catalog

    load_catalog(apps.get_model("catalog", "Sector"), apps.get_model("catalog", "VenueType"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
