"""Load the shipped rule sets, catalogue and base salaries (awards/data/rules.json)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.awards.ruledata import load_rules

    load_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
