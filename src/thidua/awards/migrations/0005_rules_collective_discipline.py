"""Bring existing databases up to the rule data of the third legal pass (11/2026,
docs/legal/verification.md §8): the collective criteria of the L2022 rule sets
read the collective's own disciplinary measures (D152 art. 4 / D98: no proposal
for "cá nhân, tập thể" under a measure or an open review), now that 0004 can
record them.

The same reconciliation as 0003 (shipped rules no record uses are refreshed; a
rule records already point to gets a corrected row beside it, the old records
keep theirs): its function is reused, not copied.
"""

from importlib import import_module

from django.db import migrations


def forwards(apps, schema_editor):
    import_module("thidua.awards.migrations.0003_rules_legal_review").forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("awards", "0004_unit_disciplines_rating_cover")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
