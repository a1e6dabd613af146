"""Load Vietnam's administrative units (before and since 1/7/2025) and the
succession links between them. See thidua.directory.admin_units."""

from django.db import migrations

from thidua.directory.admin_units import load_admin_units, unload_admin_units


def forwards(apps, schema_editor):
    load_admin_units(apps, schema_editor.connection.alias)


def backwards(apps, schema_editor):
    unload_admin_units(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
