"""Prize money: coefficient × the base salary in force on the decision date,
rounded as the rule set says (awards.md "Prize money" worked examples)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from thidua.awards import prize
from thidua.awards.models import AwardRule, AwardType, RuleSet
from thidua.awards.selectors import rule_for

pytestmark = pytest.mark.django_db


def rule(code: str, on: dt.date) -> AwardRule:
    found = rule_for(AwardType.objects.get(code=code), on)
    assert found is not None
    return found


def price(code: str, kind: str, on: dt.date, level: str = "", rounding: str | None = None):
    return prize.prize_for(
        rule=rule(code, on), recipient_kind=kind, authority_level=level, decision_date=on, rounding=rounding
    )


def test_cstd_tinh_decided_15_3_2025():
    assert price("CSTD_TINH", "individual", dt.date(2025, 3, 15)) == (Decimal("3.0"), 2_340_000, 7_020_000)


def test_hcld3_to_a_collective_decided_october_2024():
    assert price("HCLD3", "collective", dt.date(2024, 10, 10)) == (Decimal("9.0"), 2_340_000, 21_060_000)


def test_commune_chair_giay_khen_rounds_up_to_the_next_ten_thousand():
    on = dt.date(2025, 3, 10)
    assert rule("GK", on).rule_set.code == "L2022-D98"
    assert price("GK", "individual", on, "commune") == (Decimal("0.15"), 2_340_000, 360_000)
    # Other rounding modes, as data on the rule set.
    assert price("GK", "individual", on, "commune", "nearest")[2] == 350_000
    assert price("GK", "individual", on, "commune", "none")[2] == 351_000
    # A head of an agency's Giấy khen: the "*" coefficient.
    assert price("GK", "individual", on, "agency") == (Decimal("0.3"), 2_340_000, 710_000)


def test_rounding_mode_comes_from_the_rule_set():
    RuleSet.objects.filter(code="L2022-D98").update(rounding="nearest")
    assert price("GK", "individual", dt.date(2025, 3, 10), "commune")[2] == 350_000


@pytest.mark.parametrize(
    ("on", "salary", "amount"),
    [
        (dt.date(2024, 6, 30), 1_800_000, 540_000),  # LĐTT 0.3 × 1.800.000
        (dt.date(2024, 7, 1), 2_340_000, 710_000),  # 702.000 → 710.000
        (dt.date(2023, 6, 30), 1_490_000, 450_000),  # 447.000 → 450.000
        (dt.date(2023, 7, 1), 1_800_000, 540_000),
    ],
)
def test_base_salary_either_side_of_a_change(on, salary, amount):
    assert prize.base_salary_on(on).amount == salary
    assert price("LDTT", "individual", on) == (Decimal("0.3"), salary, amount)


def test_no_decision_date_or_no_coefficient_means_no_prize():
    ldtt = rule("LDTT", dt.date(2025, 3, 1))
    assert prize.prize_for(rule=ldtt, recipient_kind="individual", decision_date=None) is None
    # HCLD to a collective had no coefficient in the L2013 data.
    hcld = rule("HCLD3", dt.date(2023, 3, 1))
    assert prize.prize_for(rule=hcld, recipient_kind="collective", decision_date=dt.date(2023, 3, 1)) is None
    gdvh = rule("GDVH", dt.date(2025, 3, 1))
    assert prize.prize_for(rule=gdvh, recipient_kind="household", decision_date=dt.date(2025, 3, 1)) is None
    assert prize.prize_for(rule=None, recipient_kind="individual", decision_date=dt.date(2025, 3, 1)) is None


def test_rule_for_picks_the_rule_set_by_date():
    ldtt = AwardType.objects.get(code="LDTT")
    assert rule_for(ldtt, dt.date(2023, 12, 31)).rule_set.code == "L2013"
    assert rule_for(ldtt, dt.date(2024, 1, 1)).rule_set.code == "L2022-D98"
    assert rule_for(ldtt, dt.date(2025, 7, 1)).rule_set.code == "L2022-D152"
