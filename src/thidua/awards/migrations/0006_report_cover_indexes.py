# Covering indexes for the reports' counts (reports/figures): a subtree's ratings of a year
# by grade, and the period's awards by type, level, kind, unit and budget source, read from
# the index alone (bench/report_summary.py: the table lookup per row was most of the time).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0005_rules_collective_discipline"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="awardrecord",
            index=models.Index(
                fields=[
                    "year",
                    "status",
                    "owner_unit",
                    "recipient_kind",
                    "award_type",
                    "authority_level",
                    "period_end",
                    "person",
                    "unit",
                    "household",
                    "budget_source",
                    "prize_amount",
                    "occasion",
                ],
                name="award_report_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(
                fields=["owner_unit", "year", "grade", "person", "unit"], name="rating_owner_cover"
            ),
        ),
    ]
