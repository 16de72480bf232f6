from django.db import migrations


def load(apps, schema_editor):
    from ravao.organisations.data import load_mass_organisations

    load_mass_organisations(apps.get_model("organisations", "Organisation"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
