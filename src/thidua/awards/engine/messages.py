"""The Vietnamese phrases of the verdicts: dates, decisions, grades, percentages.

Messages say the fact and the rule: "Đạt LĐTT năm 2024 ✓ (QĐ 12/QĐ-UBND)",
"Xếp loại năm 2024: Hoàn thành nhiệm vụ — cần Hoàn thành tốt nhiệm vụ trở lên ✗"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache

from thidua.awards import facts as F
from thidua.awards.enums import (
    GRADE_RANK,
    Confidence,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    RecipientKind,
)

_OK, _NO = " ✓", " ✗"
_REVIEW = " — cần xem xét"
_TOP_GRADE = max(GRADE_RANK, key=GRADE_RANK.__getitem__)
_SCOPE_PHRASE = {
    InitiativeScope.BASE: "cấp cơ sở",
    InitiativeScope.PROVINCE: "cấp bộ, ngành, tỉnh",
    InitiativeScope.NATIONAL: "phạm vi toàn quốc",
}
_GRADE_LABEL = dict(Grade.choices)
_MEASURE_LABEL = dict(DisciplineMeasure.choices)
_CONFIDENCE_LABEL = dict(Confidence.choices)
_KIND_PHRASE = {
    RecipientKind.INDIVIDUAL: "cá nhân",
    RecipientKind.COLLECTIVE: "tập thể",
    RecipientKind.HOUSEHOLD: "hộ gia đình",
}


def _date(d: dt.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def _decision(number: str, date: dt.date | None) -> str:
    if number and date:
        return f"QĐ {number} ngày {_date(date)}"
    if number:
        return f"QĐ {number}"
    return f"ngày {_date(date)}" if date else ""


def _record_ref(rec: F.RecordFact) -> str:
    return _decision(rec.decision_number, rec.decision_date) or f"sổ khen thưởng số {rec.id}"


def _paren(refs: Iterable[str]) -> str:
    refs = [r for r in refs if r]
    return f" ({'; '.join(refs)})" if refs else ""


def _pct(value: Fraction) -> str:
    """18.644… → "18,6 %", 0.7 → "70 %" (Vietnamese decimal comma)."""
    d = (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    text = f"{d:f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + " %"


def _span(first: int, last: int) -> str:
    return f"năm {last}" if first == last else f"các năm {first}–{last}"


def _grade(code: str) -> str:
    return _GRADE_LABEL.get(code, code)


@cache
def _grade_need(minimum: str) -> str:
    """What a minimum grade asks, as said: the top grade alone, otherwise "… trở lên"."""
    return _grade(minimum) + ("" if minimum == _TOP_GRADE else " trở lên")


def _years(ys: Iterable[int]) -> str:
    return ", ".join(str(y) for y in ys)


def _bad_text(bad: list[tuple[int, str | None]]) -> str:
    return ", ".join(
        f"năm {y} {_grade(g)}" if g else f"năm {y} trước khi chấp hành xong kỷ luật" for y, g in bad
    )


def _measure(d: F.DisciplineFact) -> str:
    label = _MEASURE_LABEL.get(d.measure, d.measure)
    period = f"từ {_date(d.start)}" + (f" đến {_date(d.end)}" if d.end else " (đang thi hành)")
    return f"{label} {period}"
