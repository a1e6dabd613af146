"""Loading the shipped rule data (``awards/data/rules.json``) into the tables.

Used by the data migration and by ``thidua load_rules``. A new decree is a new
rule set in the JSON, loaded by running this again: existing rows are kept
(records point to them), missing ones are added, and a shipped rule not yet
used by any record is refreshed to the shipped values.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

RULE_FIELDS = (
    "recipient_kinds",
    "authority_levels",
    "prize",
    "quota",
    "vote",
    "criteria",
    "citation",
    "confidence",
    "note",
)


def shipped_data() -> dict[str, Any]:
    return json.loads(
        resources.files("thidua.awards").joinpath("data/rules.json").read_text(encoding="utf-8")
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def load_rules(apps: Any = None, data: dict[str, Any] | None = None) -> dict[str, int]:
    """Load catalogue, base salaries, rule sets and rules; return counts of rows added."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    AwardType = apps.get_model("awards", "AwardType")
    BaseSalary = apps.get_model("awards", "BaseSalary")
    RuleSet = apps.get_model("awards", "RuleSet")
    AwardRule = apps.get_model("awards", "AwardRule")
    AwardRecord = apps.get_model("awards", "AwardRecord")
    data = data or shipped_data()
    added = {"award_types": 0, "base_salaries": 0, "rule_sets": 0, "rules": 0, "rules_refreshed": 0}

    types: dict[str, Any] = {}
    for row in data["catalogue"]:
        obj, created = AwardType.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
        types[obj.code] = obj
        added["award_types"] += created
    for row in data["base_salaries"]:
        _, created = BaseSalary.objects.get_or_create(
            valid_from=_date(row["valid_from"]),
            defaults={"amount": row["amount"], "citation": row["citation"]},
        )
        added["base_salaries"] += created
    for block in data["rule_sets"]:
        rs_row = dict(block["rule_set"])
        rs_row["valid_from"] = _date(rs_row["valid_from"])
        rs_row["valid_to"] = _date(rs_row["valid_to"])
        rule_set, created = RuleSet.objects.get_or_create(code=rs_row.pop("code"), defaults=rs_row)
        added["rule_sets"] += created
        for row in block["rules"]:
            award_type = types.get(row["award_type"]) or AwardType.objects.get(code=row["award_type"])
            values = {k: row[k] for k in RULE_FIELDS}
            existing = (
                AwardRule.objects.filter(
                    rule_set=rule_set, award_type=award_type, issuer__isnull=True, created_by__isnull=True
                )
                .order_by("valid_from")
                .first()
            )
            if existing is None:
                AwardRule.objects.create(rule_set=rule_set, award_type=award_type, **values)
                added["rules"] += 1
            elif (
                any(getattr(existing, k) != v for k, v in values.items())
                and not AwardRecord.objects.filter(rule=existing).exists()
            ):
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.save()
                added["rules_refreshed"] += 1
    return added
