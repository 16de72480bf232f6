from django.db import migrations


def load(apps, schema_editor):
    from ravao.people.questionnaires import load_default

    load_default(apps.get_model("people", "Questionnaire"))


class Migration(migrations.Migration):
    dependencies = [("people", "0002_declarations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
