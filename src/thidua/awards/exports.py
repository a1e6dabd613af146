"""Excel files of the awards pages: the registry as filtered on screen and the
result of an eligibility check. Vietnamese headings, a frozen header row,
column widths fitted to the data, dates as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 70

REGISTRY_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("recipient", "Đối tượng", 28),
    ("kind", "Cá nhân/Tập thể", 12),
    ("owner_unit", "Đơn vị", 24),
    ("award", "Loại khen thưởng", 28),
    ("year", "Năm", 7),
    ("decision_number", "Số quyết định", 16),
    ("decision_date", "Ngày quyết định", 12),
    ("authority", "Cơ quan quyết định", 26),
    ("prize_amount", "Tiền thưởng (đồng)", 14),
    ("status", "Trạng thái", 14),
    ("missing_basis", "Thiếu căn cứ", 40),
)

ELIGIBILITY_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Họ và tên / Tập thể", 28),
    ("unit", "Đơn vị", 24),
    ("award", "Khen thưởng", 28),
    ("year", "Năm", 7),
    ("result", "Kết quả", 18),
    ("rule_set", "Bộ quy định", 14),
    ("criteria", "Các tiêu chuẩn", 70),
    ("warnings", "Lưu ý", 40),
)


def write_table(
    title: str, columns: Sequence[tuple[str, str, int]], rows: Iterable[dict[str, Any]], *, sheet_name: str
) -> bytes:
    """One sheet: a title line, the header (frozen), then one line per row."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    title_fmt = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format(
        {
            "bold": True,
            "bg_color": "#1F4E78",
            "font_color": "#FFFFFF",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
        }
    )
    cell = book.add_format({"valign": "top", "text_wrap": True, "border": 1, "border_color": "#D0D7E2"})
    date = book.add_format(
        {"num_format": "dd/mm/yyyy", "valign": "top", "border": 1, "border_color": "#D0D7E2"}
    )
    money = book.add_format({"num_format": "#,##0", "valign": "top", "border": 1, "border_color": "#D0D7E2"})
    number = book.add_format({"num_format": "0", "valign": "top", "border": 1, "border_color": "#D0D7E2"})
    sheet = book.add_worksheet(sheet_name[:31])
    sheet.write_string(0, 0, title, title_fmt)
    widths = [max(w, min(len(label) + 2, 30)) for _, label, w in columns]
    for i, (_, label, _) in enumerate(columns):
        sheet.write_string(2, i, label, header)
    sheet.set_row(2, 30)
    sheet.freeze_panes(3, 0)
    r = 2
    for r, row in enumerate(rows, start=3):
        for i, (key, _, _) in enumerate(columns):
            value = row.get(key)
            if value is None or value == "":
                sheet.write_blank(r, i, None, cell)
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, i, dt.datetime.combine(value, dt.time()), date)
                length = 10
            elif isinstance(value, bool):
                sheet.write_string(r, i, "Có" if value else "", cell)
                length = 3
            elif isinstance(value, int):
                sheet.write_number(r, i, value, money if key == "prize_amount" else number)
                length = len(f"{value:,}")
            else:
                text = str(value)
                sheet.write_string(r, i, text, cell)
                length = max((len(line) for line in text.splitlines()), default=0)
            widths[i] = max(widths[i], min(MAX_WIDTH, length + 2))
    for i, width in enumerate(widths):
        sheet.set_column(i, i, width)
    if r > 2:
        sheet.autofilter(2, 0, r, len(columns) - 1)
    book.close()
    return out.getvalue()


def registry_xlsx(rows: Iterable[dict[str, Any]], *, title: str) -> bytes:
    return write_table(title, REGISTRY_COLUMNS, rows, sheet_name="Sổ khen thưởng")


def eligibility_xlsx(rows: Iterable[dict[str, Any]], *, title: str) -> bytes:
    return write_table(title, ELIGIBILITY_COLUMNS, rows, sheet_name="Kết quả xét")


def filename(stem: str) -> str:
    """ASCII names: some mail and browser stacks still mangle accented ones."""
    return f"{stem}-{dt.date.today():%Y%m%d}.xlsx"
