from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.nominations.deadlines import load_deadlines

    load_deadlines(apps.get_model("nominations", "StepDeadline"), apps.get_model("awards", "AwardType"))


class Migration(migrations.Migration):
    dependencies = [("nominations", "0001_initial"), ("awards", "0002_rules")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
