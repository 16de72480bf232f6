from django.db import migrations


def load(apps, schema_editor):
    from ravao.health.defaults import load_defaults

    load_defaults(
        apps.get_model("health", "HealthContact"),
        apps.get_model("health", "ColourRule"),
        apps.get_model("catalog", "VenueType"),
    )


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial"), ("catalog", "0002_load_catalog")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
