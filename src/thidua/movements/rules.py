"""Pure rules of movements: directive references, indicator arithmetic,
ranking with ties. No queries here, so the API, the import and the pages
share exactly the same answers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from thidua.core.errors import DomainError
from thidua.movements.enums import Direction

# "280/CĐ-TTg", "608/UBND-NVK", "91/KH-UBND", "98/2023/NĐ-CP", "06/2022/TT-BNV"
_NUMBER = re.compile(r"^\d{1,6}[a-zA-Z]?(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9&.]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&.]*)*$")
_IN_TEXT = re.compile(r"\d{1,6}[a-zA-Z]?(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9&.]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&.]*)*")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def check_document_number(number: str) -> str:
    """The number and symbol of a Vietnamese document, or a refusal saying what is expected."""
    text = (number or "").strip().replace(" ", "")
    if not _NUMBER.match(text):
        raise DomainError(
            f"Số, ký hiệu văn bản «{(number or '')[:40]}» không hợp lệ: "
            "viết theo dạng 280/CĐ-TTg, 608/UBND-NVK hoặc 98/2023/NĐ-CP."
        )
    return text


def parse_directive(text: str) -> tuple[str, dt.date]:
    """ "Công điện số 280/CĐ-TTg, ngày 19/4/2023 của Thủ tướng" → ("280/CĐ-TTg", 19/04/2023)."""
    found = _IN_TEXT.search(text or "")
    if not found:
        raise DomainError("Không tìm thấy số, ký hiệu văn bản (dạng 280/CĐ-TTg).")
    rest = (text or "")[found.end() :]
    day = _DATE.search(rest)
    if not day:
        raise DomainError("Không tìm thấy ngày ban hành văn bản (dạng 19/4/2023).")
    try:
        issued = dt.date(int(day[3]), int(day[2]), int(day[1]))
    except ValueError as exc:
        raise DomainError(f"Ngày ban hành «{day[0]}» không tồn tại.") from exc
    return check_document_number(found[0]), issued


# --- indicators -------------------------------------------------------------------------


def share_of_plan(plan: Decimal, actual: Decimal, direction: str) -> Decimal | None:
    """Per cent of plan achieved, the right way round: a lower-is-better
    indicator (poor households 16,78 % against a plan of 18 %) achieves
    plan/actual. None when the ratio has no meaning (plan or actual zero)."""
    if direction == Direction.LOWER:
        if actual <= 0 or plan <= 0:
            return None
        return plan / actual * 100
    if plan <= 0:
        return None
    return actual / plan * 100


def is_met(plan: Decimal, actual: Decimal, direction: str) -> bool:
    """Đạt và vượt kế hoạch: at least the plan, or at most it when lower is better."""
    return actual <= plan if direction == Direction.LOWER else actual >= plan


def vn_number(value: Decimal | float | int, places: int = 1) -> str:
    """26461 → "26.461"; 98.6 → "98,6"; 187.0 → "187" (Vietnamese separators, no trailing ,0)."""
    q = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    frac = frac.rstrip("0")
    return sign + ".".join(groups) + ("," + frac if frac else "")


def percent_text(share: Decimal | None) -> str:
    return "—" if share is None else f"{vn_number(share)}%"


# --- ranking ---------------------------------------------------------------------------


@dataclass
class Ranked:
    item: Any
    total: Decimal
    tie_value: Decimal | None
    rank: int = 0


def rank(
    items: Sequence[Any],
    total: Callable[[Any], Decimal],
    tie_value: Callable[[Any], Decimal] | None = None,
    name: Callable[[Any], str] = str,
) -> list[Ranked]:
    """Competition ranking ("1, 2, 2, 4"): equal totals share a rank and the
    next rank is skipped. With ``tie_value`` (the scheme's tie-break group),
    equal totals are split by it first; only units equal on both share a rank.
    Order among equals is by name, which never changes a rank."""
    rows = [Ranked(i, total(i), tie_value(i) if tie_value else None) for i in items]
    rows.sort(key=lambda r: (-r.total, -(r.tie_value or 0), name(r.item)))
    previous: tuple[Decimal, Decimal | None] | None = None
    for pos, row in enumerate(rows, start=1):
        key = (row.total, row.tie_value)
        row.rank = rows[pos - 2].rank if previous == key else pos
        previous = key
    return rows
