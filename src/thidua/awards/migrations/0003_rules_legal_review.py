"""Bring existing databases up to the corrected rule data (legal review of 11/2026,
docs/legal/verification.md §7).

Fresh databases already get it from 0002 (which loads the current rules.json).
For a database where 0002 ran with the older data:

- ``load_rules`` adds what is missing and refreshes every shipped rule no record
  points to yet;
- a shipped rule that records already point to is **not** changed (those
  records were decided under it): a corrected row is added beside it, with the
  same dates, so the engine and the registry use it from now on (the latest row
  wins, ``selectors.select_rule``) while the old records keep the old one;
- the descriptive fields of a rule set (name, legal basis) are refreshed; its
  dates and status are not touched.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.awards.ruledata import RULE_FIELDS, load_rules, shipped_data

    data = shipped_data()
    load_rules(apps, data)
    AwardType = apps.get_model("awards", "AwardType")
    RuleSet = apps.get_model("awards", "RuleSet")
    AwardRule = apps.get_model("awards", "AwardRule")
    AwardRecord = apps.get_model("awards", "AwardRecord")
    for block in data["rule_sets"]:
        meta = block["rule_set"]
        rule_set = RuleSet.objects.filter(code=meta["code"]).first()
        if rule_set is None:
            continue
        changed = [f for f in ("name", "legal_basis") if f in meta and getattr(rule_set, f) != meta[f]]
        for f in changed:
            setattr(rule_set, f, meta[f])
        if changed:
            rule_set.save(update_fields=changed)
        for row in block["rules"]:
            award_type = AwardType.objects.get(code=row["award_type"])
            values = {k: row[k] for k in RULE_FIELDS}
            shipped = AwardRule.objects.filter(
                rule_set=rule_set, award_type=award_type, issuer__isnull=True, created_by__isnull=True
            ).order_by("-id")
            latest = shipped.first()
            if latest is None or all(getattr(latest, k) == v for k, v in values.items()):
                continue
            if not AwardRecord.objects.filter(rule=latest).exists():
                for k, v in values.items():
                    setattr(latest, k, v)
                latest.save()
                continue
            AwardRule.objects.create(
                rule_set=rule_set,
                award_type=award_type,
                valid_from=latest.valid_from,
                valid_to=latest.valid_to,
                **values,
            )


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_rules")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
