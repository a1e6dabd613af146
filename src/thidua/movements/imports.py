"""XLSX import of a movement's indicators and their results, all or nothing.

One sheet, one row per (unit, indicator): a row with «Kế hoạch» creates the
indicator; a row with «Thực hiện» reports a value as of «Số liệu đến ngày».
An unknown indicator code without a plan, a unit outside the movement, a bad
number or date: the whole file is refused with row/column messages and
nothing is written (the rows go through the same services inside one
transaction that is rolled back on any error).
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

import xlsxwriter
from django.db import transaction

from thidua.core.errors import DomainError, ImportRejected, RowError
from thidua.core.text import fold
from thidua.directory.imports import (
    INSTRUCTIONS_SHEET,
    CellError,
    cell_date,
    cell_str,
    read_limited,
    read_rows,
)
from thidua.directory.models import Unit
from thidua.movements import services
from thidua.movements.enums import Direction
from thidua.movements.models import Indicator, Movement

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


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = cell_str(value, 40)
    if not text:
        return None
    # Vietnamese writing: "26.461" thousands, "98,6" decimals
    normal = text.replace(" ", "")
    if "," in normal:
        normal = normal.replace(".", "").replace(",", ".")
    try:
        return Decimal(normal)
    except InvalidOperation as exc:
        raise CellError(f"«{text}» không phải là số.") from exc


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


def import_indicators(*, actor: Any, movement: Movement, file: Any, name: str) -> dict[str, int]:
    """Import the file; returns {"created": n, "values": m} or raises ImportRejected."""
    rows = read_rows(read_limited(file), name)
    header, cols = _header(rows)
    errors: list[RowError] = []
    created = values = 0
    units: dict[str, Unit | None] = {}
    with transaction.atomic():
        for r in range(header + 1, len(rows)):
            line = r + 1
            raw = rows[r]
            cell = {k: (raw[i] if i < len(raw) else None) for k, i in cols.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cell.values()):
                continue
            try:
                parsed = _parse(cell)
            except _CellAt as exc:
                errors.append(RowError(line, LABEL[exc.key], exc.message))
                continue
            code_u = parsed["unit"]
            if code_u not in units:
                units[code_u] = Unit.objects.filter(code=code_u).first()
            unit = units[code_u]
            if unit is None:
                errors.append(RowError(line, LABEL["unit"], f"Không có đơn vị mã «{code_u}»."))
                continue
            try:
                created_here, valued = _write(actor, movement, unit, parsed)
            except DomainError as exc:
                errors.append(RowError(line, LABEL[_column_of(exc.message)], exc.message))
                continue
            created += created_here
            values += valued
        if errors:
            raise ImportRejected(f"Tệp có {len(errors)} lỗi; chưa ghi dòng nào.", errors[:200])
        if not created and not values:
            raise ImportRejected("Tệp không có dòng dữ liệu nào.")
    return {"created": created, "values": values}


class _CellAt(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


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


def _column_of(message: str) -> str:
    low = message.lower()
    if "đơn vị" in low and "không tham gia" in low:
        return "unit"
    if "mã chỉ tiêu" in low or "chỉ tiêu mã" in low:
        return "code"
    if "kế hoạch" in low:
        return "plan"
    if "ngày" in low:
        return "as_of"
    if "tên chỉ tiêu" in low:
        return "name"
    return "value"


def _write(actor: Any, movement: Movement, unit: Unit, row: dict[str, Any]) -> tuple[int, int]:
    indicator = Indicator.objects.filter(movement=movement, unit=unit, code=row["code"]).first()
    created = 0
    if indicator is None:
        if row["plan"] is None:
            raise DomainError(
                f"Mã chỉ tiêu «{row['code']}» chưa có trong phong trào cho {unit.name} "
                "(điền cột Kế hoạch để tạo chỉ tiêu mới)."
            )
        indicator = services.indicator_create(
            actor=actor,
            movement=movement,
            unit=unit,
            code=row["code"],
            name=row["name"],
            plan_value=row["plan"],
            measure=row["measure"],
            direction=row["direction"],
        )
        created = 1
    if row["value"] is None:
        return created, 0
    services.indicator_report(
        actor=actor, indicator=indicator, value=row["value"], as_of=row["as_of"], source=row["source"]
    )
    return created, 1
