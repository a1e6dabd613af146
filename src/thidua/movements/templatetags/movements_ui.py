"""Template filters of the movements pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from thidua.movements import rules

register = template.Library()


@register.filter
def so(value: Any) -> str:
    """A plan or actual value as Vietnamese write it: 202.3000 → "202,3", 26461 → "26.461"."""
    if value is None or value == "":
        return "—"
    try:
        return rules.vn_number(Decimal(str(value)), 4)
    except (ArithmeticError, ValueError):
        return str(value)
