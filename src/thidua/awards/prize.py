"""Prize money: a coefficient of the base salary in force on the decision date.

The coefficient comes from the award rule (``AwardRule.prize``, by recipient
kind and, where they differ, by the deciding authority's level, ``"*"`` for
the rest); the base salary from the ``BaseSalary`` rows; the rounding mode
from the rule set (``RuleSet.rounding``: "up" to the next 10.000 đ by
default, as "làm tròn số lên hàng chục nghìn đồng" reads; "nearest"; "none").
No law number or amount is written here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from thidua.awards.enums import RoundingMode
from thidua.awards.models import AwardRule, BaseSalary

STEP = Decimal(10_000)  # "hàng chục nghìn đồng"

ROUNDING_NOTES = {
    RoundingMode.UP: "Làm tròn lên hàng chục nghìn đồng",
    RoundingMode.NEAREST: "Làm tròn đến hàng chục nghìn đồng gần nhất",
    RoundingMode.NONE: "Không làm tròn",
}


def base_salary_on(on: dt.date) -> BaseSalary | None:
    """The base salary in force on ``on`` (the latest row starting on or before it)."""
    return BaseSalary.objects.filter(valid_from__lte=on).order_by("-valid_from").first()


def coefficient(rule: AwardRule, recipient_kind: str, authority_level: str = "") -> Decimal | None:
    """``rule.prize[kind][level]``, else ``[kind]["*"]``; None when the rule has none."""
    by_level = (rule.prize or {}).get(recipient_kind) or {}
    value = by_level.get(authority_level) if authority_level else None
    if value is None:
        value = by_level.get("*")
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def round_amount(amount: Decimal, rounding: str) -> int:
    """Round a prize in đồng as the rule set says."""
    if rounding == RoundingMode.NONE:
        return int(amount.to_integral_value(rounding=ROUND_HALF_UP))
    mode = ROUND_HALF_UP if rounding == RoundingMode.NEAREST else ROUND_CEILING
    return int((amount / STEP).to_integral_value(rounding=mode) * STEP)


def prize_for(
    *,
    rule: AwardRule | None,
    recipient_kind: str,
    authority_level: str = "",
    decision_date: dt.date | None,
    rounding: str | None = None,
    salaries: list[BaseSalary] | None = None,
) -> tuple[Decimal, int, int] | None:
    """(coefficient, base salary, amount) or None (no decision date, no rule,
    no coefficient, or no base salary known for that date).

    ``rounding`` defaults to the rule set's; ``salaries`` (ascending by
    ``valid_from``) lets a caller pricing many records avoid one query each."""
    if rule is None or decision_date is None:
        return None
    coef = coefficient(rule, recipient_kind, authority_level)
    if coef is None:
        return None
    if salaries is None:
        salary = base_salary_on(decision_date)
    else:
        salary = next((s for s in reversed(salaries) if s.valid_from <= decision_date), None)
    if salary is None:
        return None
    mode = rounding or rule.rule_set.rounding
    return coef, salary.amount, round_amount(coef * salary.amount, mode)
