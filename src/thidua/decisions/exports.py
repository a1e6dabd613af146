"""XLSX of the prize money to recover after revocations (tiền thưởng phải thu hồi)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from thidua.decisions.models import RevocationLine

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = (
    "STT",
    "Người, tập thể",
    "Đơn vị",
    "Hình thức, danh hiệu",
    "Năm",
    "Quyết định khen thưởng",
    "Quyết định hủy bỏ",
    "Ngày hủy bỏ",
    "Lý do",
    "Số tiền phải thu hồi (đồng)",
)


def recovery_xlsx(lines: Iterable[RevocationLine]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Thu hồi tiền thưởng")
    bold = book.add_format({"bold": True, "text_wrap": True, "border": 1, "valign": "vcenter"})
    money = book.add_format({"num_format": "#,##0", "border": 1})
    cell = book.add_format({"border": 1})
    date = book.add_format({"num_format": "dd/mm/yyyy", "border": 1})
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "DANH SÁCH TIỀN THƯỞNG PHẢI THU HỒI", bold)
    sheet.write_row(1, 0, HEADERS, bold)
    row, total = 2, 0
    for i, ln in enumerate(lines, start=1):
        record = ln.award_record
        sheet.write_number(row, 0, i, cell)
        sheet.write_string(row, 1, ln.recipient_name, cell)
        sheet.write_string(row, 2, ln.owner_unit.name, cell)
        sheet.write_string(row, 3, record.award_type.name, cell)
        sheet.write_number(row, 4, record.year, cell)
        sheet.write_string(
            row,
            5,
            f"{record.decision_number} ngày {record.decision_date:%d/%m/%Y}"
            if record.decision_date
            else record.decision_number,
            cell,
        )
        sheet.write_string(row, 6, ln.revocation.decision_number, cell)
        sheet.write_datetime(row, 7, _dt(ln.revocation.decision_date), date)
        sheet.write_string(row, 8, ln.revocation.reason, cell)
        sheet.write_number(row, 9, ln.amount_to_recover, money)
        total += ln.amount_to_recover
        row += 1
    sheet.write_string(row, 1, "Tổng cộng", bold)
    sheet.write_number(row, 9, total, money)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 3, 28)
    sheet.set_column(5, 8, 22)
    sheet.set_column(9, 9, 18)
    book.close()
    return out.getvalue()


def _dt(day):  # xlsxwriter writes datetimes
    import datetime as dt

    return dt.datetime(day.year, day.month, day.day)
