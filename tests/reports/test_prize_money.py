"""Prize money by budget source and the awards-by-unit table come from one grouped pass
over the registry (reports.figures.counting._award_groups); both must stay what the
registry holds: revoked lines out, lines without an amount out of the money, a line
without a source under "Chưa ghi nguồn"."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum

from thidua.awards.models import AwardRecord
from thidua.reports.figures import compute

FUND = "Quỹ thi đua, khen thưởng huyện"


def test_prize_money_by_source_and_awards_by_unit(minh_long):
    district, communes, _ = minh_long
    # One line paid from no named source, one without any amount recorded.
    first, second = AwardRecord.objects.filter(owner_unit=communes[0], status="valid").order_by("pk")[:2]
    AwardRecord.objects.filter(pk=first.pk).update(budget_source="", prize_amount=500_000)
    AwardRecord.objects.filter(pk=second.pk).update(prize_amount=None)
    fig = compute(unit=district, period_from=dt.date(2023, 1, 1), period_to=dt.date(2023, 12, 31))

    paid = AwardRecord.objects.filter(owner_unit__path__startswith=district.path, status="valid", year=2023)
    expected = {
        (r["budget_source"] or "Chưa ghi nguồn"): (r["n"], r["amount"])
        for r in paid.filter(prize_amount__isnull=False)
        .order_by()
        .values("budget_source")
        .annotate(n=Count("id"), amount=Sum("prize_amount"))
    }
    assert {p.budget_source: (p.records, p.amount) for p in fig.prize_money} == expected
    assert "Chưa ghi nguồn" in expected and FUND in expected
    assert fig.prize_total == sum(a for _, a in expected.values()) > 0
    # Awards by unit: every valid line of the district once (311 in seed 003), none revoked.
    lines = sum(n for u in fig.by_unit for kinds in u.awards.values() for n in kinds.values())
    assert lines == paid.count() == 311
    mine = next(u for u in fig.by_unit if u.unit_id == communes[0].pk)
    assert sum(sum(k.values()) for k in mine.awards.values()) == paid.filter(owner_unit=communes[0]).count()
