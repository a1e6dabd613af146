"""thidua load_rules — load or refresh the shipped rule data (rule sets, catalogue, base salaries)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from thidua.awards.ruledata import load_rules


class Command(BaseCommand):
    help = (
        "Nạp hoặc cập nhật dữ liệu quy định khen thưởng đi kèm phần mềm (bộ quy định, danh mục, lương cơ sở)."
    )

    def handle(self, *args, **opts):
        with transaction.atomic():
            added = load_rules()
        self.stdout.write(
            "Đã nạp: {award_types} loại khen thưởng, {base_salaries} mức lương cơ sở, {rule_sets} bộ quy định, "
            "{rules} quy định mới, {rules_refreshed} quy định cập nhật.".format(**added)
        )
