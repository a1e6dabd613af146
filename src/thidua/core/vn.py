"""The place-date line of Vietnamese administrative documents (Decree
30/2020/NĐ-CP, Appendix I): "Thử Nghiệm, ngày 05 tháng 3 năm 2026".

Why one helper: the council's minutes, the decisions and their certificates
(and the reports) each wrote this line, with copies that could drift — a
zero before a month in one, not in another, or "Xã Một" left with its kind
word. Every document now asks here.

``core`` comes before ``directory`` in the layers, so :func:`place_name`
takes any unit-like object (``name``, ``kind``, ``parent``) and names the
administrative kinds itself; a test keeps that set equal to
``directory.enums.ADMINISTRATIVE_KINDS``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

# The kinds whose People's Committee is a place (directory.enums.ADMINISTRATIVE_KINDS).
ADMINISTRATIVE_KINDS = frozenset({"province", "district", "commune"})
# Kind words that open an administrative unit's name ("Thành phố Huế" → "Huế").
PLACE_PREFIXES = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")


class UnitLike(Protocol):
    name: str
    kind: str
    parent: Any


def vn_date(day: dt.date) -> str:
    """Decree 30: "ngày 05 tháng 3 năm 2026" — a zero before days under 10 and
    before months 1 and 2 (so that nobody can add a digit to them)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(unit: UnitLike) -> str:
    """The place (địa danh) of the place-date line: the administrative unit the
    issuing unit sits in, without its kind word ("Xã Một" → "Một"; a school
    of Xã Một → "Một"); a unit outside the administrative tree gives its own name."""
    node: UnitLike | None = unit
    while node is not None and node.kind not in ADMINISTRATIVE_KINDS:
        node = node.parent
    name = (node or unit).name
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix + " "):
            rest = name[len(prefix) + 1 :]
            # Decree 30, App. I: a place named by a number keeps its full name ("Quận 1").
            return name if rest.replace(" ", "").isdigit() else rest
    return name


def place_date(unit: UnitLike, day: dt.date) -> str:
    """The whole line: "Thử Nghiệm, ngày 05 tháng 3 năm 2026"."""
    return f"{place_name(unit)}, {vn_date(day)}"
