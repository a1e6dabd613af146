"""XLSX import of a movement's indicators and their results, all or nothing.

One sheet, one row per (unit, indicator): a row with «Kế hoạch» creates the
indicator; a row with «Thực hiện» reports a value as of «Số liệu đến ngày».
An unknown indicator code without a plan, a unit outside the movement, a bad
number or date: the whole file is refused with row/column messages and
nothing is written. The cell readers and the error report are the shared
ones of :mod:`thidua.core.sheets`, the unit lookup the directory import's; the checks and writes are the movement services'
(one set-based call for the whole file).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db import transaction

from thidua.core.errors import ImportRejected
from thidua.core.numbers import NotANumber, parse_decimal
from thidua.core.sheets import (
    INSTRUCTIONS_SHEET,
    CellError,
    Report,
    cell_date,
    cell_str,
    read_limited,
    read_rows,
    reject,
)
from thidua.core.text import fold
from thidua.directory.imports import units_by_code
from thidua.movements import services
from thidua.movements.enums import Direction
from thidua.movements.models import Movement

COLUMNS = (
    ("unit", "Mã đơn vị"),
    ("code", "Mã chỉ tiêu"),
    ("name", "Tên chỉ tiêu"),
    ("measure", "Đơn vị tính"),
    ("plan", "Kế hoạch"),
    ("direction", "Chiều đánh giá"),
    ("value", "Thực hiện"),
    ("as_of", "Số liệu đến ngày"),
    ("source", "Nguồn số liệu"),
)
LABEL = dict(COLUMNS)
_DIRECTIONS = {"cao": Direction.HIGHER, "thap": Direction.LOWER, "": Direction.HIGHER}


def template() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    ws = book.add_worksheet("Chỉ tiêu")
    ws.write_row(0, 0, [label for _, label in COLUMNS], bold)
    ws.write_row(
        1,
        0,
        [
            "MA-DON-VI",
            "CT01",
            "Tổng thu ngân sách",
            "tỷ đồng",
            202.3,
            "cao",
            378.3,
            "31/12/2023",
            "Báo cáo của Phòng TC-KH",
        ],
    )
    ws.set_column(0, 8, 18)
    ws.set_column(2, 2, 40)
    help_ = book.add_worksheet(INSTRUCTIONS_SHEET)
    lines = [
        "Mỗi dòng là một chỉ tiêu của một đơn vị tham gia phong trào.",
        "Điền «Kế hoạch» để tạo chỉ tiêu mới (kèm tên, đơn vị tính, chiều đánh giá: «cao» hoặc «thấp» là tốt).",
        "Điền «Thực hiện» và «Số liệu đến ngày» (dd/mm/yyyy) để báo cáo kết quả; mã chỉ tiêu phải đã có.",
        "Tệp có lỗi thì không dòng nào được ghi; sửa các lỗi được liệt kê rồi nhập lại.",
    ]
    for r, line in enumerate(lines):
        help_.write(r, 0, line)
    book.close()
    return out.getvalue()


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    wanted = {fold(label): key for key, label in COLUMNS}
    for r, row in enumerate(rows[:10]):
        found = {wanted[fold(str(c or ""))]: i for i, c in enumerate(row) if fold(str(c or "")) in wanted}
        if "unit" in found and "code" in found:
            return r, found
    raise ImportRejected("Không tìm thấy dòng tiêu đề có cột «Mã đơn vị» và «Mã chỉ tiêu».")


# Which column a service's refusal is about (DomainError.field → column key).
_FIELD_COLUMN = {
    "unit": "unit",
    "code": "code",
    "name": "name",
    "measure": "measure",
    "plan_value": "plan",
    "direction": "direction",
    "value": "value",
    "as_of": "as_of",
    "source": "source",
}


def import_indicators(*, actor: Any, movement: Movement, file: Any, name: str) -> dict[str, int]:
    """Import the file; returns {"created": n, "values": m} or raises ImportRejected.

    Set-based: the cells are read here, the units looked up in one query, and
    every row goes to :func:`services.indicator_rows_write`, which checks all
    of them with lookups made once and writes with bulk INSERTs. Every problem
    of the file is listed at once, whether found in a cell or by the service."""
    rows = read_rows(read_limited(file), name)
    header, cols = _header(rows)
    report = Report()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for r in range(header + 1, len(rows)):
        raw = rows[r]
        cell = {k: (raw[i] if i < len(raw) else None) for k, i in cols.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cell.values()):
            continue
        try:
            parsed.append((r + 1, _parse(cell)))
        except _CellAt as exc:
            report.add(r + 1, LABEL[exc.key], exc.message)
    units = units_by_code(p["unit"] for _, p in parsed)
    lines: list[int] = []
    entries: list[services.IndicatorRow] = []
    for line, p in parsed:
        unit = units.get(p["unit"])
        if unit is None:
            report.add(line, LABEL["unit"], f"Không có đơn vị mã «{p['unit']}».")
            continue
        lines.append(line)
        entries.append(
            services.IndicatorRow(
                unit=unit,
                code=p["code"],
                name=p["name"],
                measure=p["measure"],
                plan_value=p["plan"],
                direction=p["direction"],
                value=p["value"],
                as_of=p["as_of"],
                source=p["source"],
            )
        )
    with transaction.atomic():
        outcome = services.indicator_rows_write(
            actor=actor, movement=movement, rows=entries, dry_run=bool(report.total)
        )
        for index, exc in outcome.errors:
            report.add(lines[index], LABEL[_FIELD_COLUMN.get(exc.field or "", "unit")], exc.message)
        report.raise_if_any()
        if not outcome.created and not outcome.values:
            raise reject("Tệp không có dòng dữ liệu nào.")
    return {"created": outcome.created, "values": outcome.values}


class _CellAt(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _number(value: Any) -> Decimal | None:
    """A plan or result cell: a number cell as it is, text the Vietnamese way
    ("1.234,5"; see :mod:`thidua.core.numbers`)."""
    if isinstance(value, str):
        value = cell_str(value, 40)
    try:
        return parse_decimal(value)
    except NotANumber as exc:
        raise CellError(f"«{value}» không phải là số.") from exc


def _parse(cell: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, getter in (
        ("unit", lambda v: cell_str(v, 40, required=True)),
        ("code", lambda v: cell_str(v, 30, required=True).upper()),
        ("name", lambda v: cell_str(v, 500)),
        ("measure", lambda v: cell_str(v, 60)),
        ("plan", _number),
        ("direction", lambda v: cell_str(v, 20)),
        ("value", _number),
        ("as_of", cell_date),
        ("source", lambda v: cell_str(v, 255)),
    ):
        try:
            out[key] = getter(cell.get(key))
        except CellError as exc:
            raise _CellAt(key, str(exc)) from exc
    direction = fold(out["direction"]).replace("cang ", "").replace(" la tot", "").strip()
    if direction not in _DIRECTIONS:
        raise _CellAt("direction", "Chiều đánh giá ghi «cao» hoặc «thấp».")
    out["direction"] = _DIRECTIONS[direction]
    if out["value"] is not None and out["as_of"] is None:
        raise _CellAt("as_of", "Có giá trị thực hiện thì phải có ngày số liệu.")
    if out["plan"] is None and out["value"] is None:
        raise _CellAt("value", "Dòng không có kế hoạch cũng không có giá trị thực hiện.")
    return out
