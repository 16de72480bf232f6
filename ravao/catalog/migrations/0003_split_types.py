from django.db import migrations


def load(apps, schema_editor):
    # Bar / karaoke / vũ trường and wholesale / local markets become separate types, colleges
    # move to the vocational system (labour), ICT and labour get their own types. Venues and
    # targets of the old merged types are moved by their own apps' migrations.
    from ravao.catalog.data import load_catalog

    load_catalog(apps.get_model("catalog", "Sector"), apps.get_model("catalog", "VenueType"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_load_catalog")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
