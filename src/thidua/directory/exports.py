"""Exporting people and units to XLSX and CSV, and the blank import templates.

An export has exactly the columns of the import template (from
:mod:`thidua.directory.imports`), so a file exported from one installation or
one year re-imports as is. What is exported is what the user may see: people
through ``selectors.people_list`` (their role's unit scope), identity numbers
only where the user may view them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter
from django.db.models import QuerySet

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit
from thidua.core.models import ImportJob
from thidua.directory import selectors
from thidua.directory.enums import Gender, UnitKind
from thidua.directory.imports import COLUMNS, INSTRUCTIONS_SHEET, SHEET_NAMES, Column
from thidua.directory.models import Person, Unit

Kind = ImportJob.Kind
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
MAX_WIDTH = 60
_DATE_KEYS = {"birth_date", "valid_from", "valid_to"}
_TEXT_KEYS = {"unit_code", "identity_number", "code", "parent_code"}
_LAST_ROW = 100_000  # rows covered by the template's formats and dropdowns
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- what is exported ---------------------------------------------------------


def people_queryset(
    actor: Any, *, q: str | None = None, unit: Unit | None = None, include_subunits: bool = False
) -> QuerySet[Person]:
    """People ``actor`` may see (all of them for the CLI operator, ``actor=None``)."""
    if actor is not None:
        return selectors.people_list(actor, q=q, unit=unit, include_subunits=include_subunits)
    qs = Person.objects.select_related("unit")
    if terms := selectors.search_terms(q):
        qs = qs.filter(search_key__contains=" ".join(terms))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path) if include_subunits else qs.filter(unit=unit)
    return qs.order_by("sort_key", "id")


def units_queryset(actor: Any, *, unit: Unit | None = None, include_subunits: bool = False) -> QuerySet[Unit]:
    """Units in tree order, so that every parent comes before its children and the file re-imports."""
    qs = (
        selectors.units_list(actor) if actor is not None else Unit.objects.select_related("parent")
    ).order_by("path")
    if unit is not None:
        qs = qs.filter(path__startswith=unit.path) if include_subunits else qs.filter(pk=unit.pk)
    return qs


def people_rows(actor: Any, people: QuerySet[Person]) -> Iterator[dict[str, Any]]:
    gender = dict(Gender.choices)
    for person in people.iterator(chunk_size=2000):
        shows_id = actor is None or can_on_unit(actor, Perm.VIEW_IDENTITY, person.unit)
        yield {
            "full_name": person.full_name,
            "gender": gender.get(person.gender, person.gender),
            "birth_date": person.birth_date,
            "unit_code": person.unit.code,
            "position": person.position,
            "identity_number": (person.identity_number or "") if shows_id else "",
        }


def unit_rows(units: QuerySet[Unit]) -> Iterator[dict[str, Any]]:
    kind = dict(UnitKind.choices)
    for unit in units.iterator(chunk_size=2000):
        yield {
            "code": unit.code,
            "name": unit.name,
            "kind": kind.get(unit.kind, unit.kind),
            "parent_code": unit.parent.code if unit.parent_id else "",
            "valid_from": unit.valid_from,
            "valid_to": unit.valid_to,
        }


# --- writers ------------------------------------------------------------------------


def _instructions(book: xlsxwriter.Workbook, kind: str, bold: Any, wrap: Any) -> str:
    """The "Hướng dẫn" sheet; returns the range holding the unit kinds (the Loại dropdown's source)."""
    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, "Hướng dẫn nhập dữ liệu", bold)
    lines = [
        f"Nhập dữ liệu vào trang «{SHEET_NAMES[kind]}», mỗi người/đơn vị một dòng, giữ nguyên dòng tiêu đề.",
        "Tệp được kiểm tra toàn bộ trước khi nhập: nếu có lỗi, không dòng nào được nhập "
        "và hệ thống liệt kê mọi lỗi theo số dòng, tên cột.",
        "Ngày ghi dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 04/08/1985 là ngày 4 tháng 8 năm 1985.",
        "Mã đơn vị và số định danh nên để dạng văn bản để không mất số 0 ở đầu.",
    ]
    for i, line in enumerate(lines, start=1):
        sheet.write_string(i, 1, line, wrap)
    row = len(lines) + 2
    sheet.write_string(row, 0, "Cột", bold)
    sheet.write_string(row, 1, "Cách ghi", bold)
    for col in COLUMNS[kind]:
        row += 1
        sheet.write_string(row, 0, col.label)
        sheet.write_string(row, 1, col.note, wrap)
    row += 2
    sheet.write_string(row, 0, "Loại đơn vị", bold)
    sheet.write_string(row, 1, "Mã loại", bold)
    first = row + 1
    for value, label in UnitKind.choices:
        row += 1
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)
    return f"='{INSTRUCTIONS_SHEET}'!$A${first + 1}:$A${row + 1}"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_xlsx(kind: str, rows: Iterable[dict[str, Any]]) -> bytes:
    """An XLSX in the template's layout: styled frozen header, widths fitted to
    the data, text-formatted code columns, dropdowns, and the instructions sheet."""
    columns: tuple[Column, ...] = COLUMNS[kind]
    with tempfile.TemporaryFile() as out:
        # constant_memory streams rows to disk: 100,000 people do not sit in memory.
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
        header = book.add_format(
            {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "text_wrap": True}
        )
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        text = book.add_format({"num_format": "@"})
        date = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet = book.add_worksheet(SHEET_NAMES[kind])
        widths = [max(c.width, len(c.label) + 2) for c in columns]
        for i, col in enumerate(columns):
            fmt = date if col.key in _DATE_KEYS else text if col.key in _TEXT_KEYS else None
            sheet.set_column(i, i, widths[i], fmt)
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)
        for i, col in enumerate(columns):
            sheet.write_string(0, i, col.label, header)
        count = 0
        for r, row in enumerate(rows, start=1):
            count = r
            for i, col in enumerate(columns):
                value = row.get(col.key)
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, i, dt.datetime.combine(value, dt.time()), date)
                    length = 10
                elif value not in (None, ""):
                    sheet.write_string(r, i, str(value), text if col.key in _TEXT_KEYS else None)
                    length = len(str(value))
                else:
                    continue
                if length + 2 > widths[i]:
                    widths[i] = min(MAX_WIDTH, length + 2)
        # Widths fitted to the data (xlsxwriter writes <cols> at close, so this is still in time).
        for i, col in enumerate(columns):
            fmt = date if col.key in _DATE_KEYS else text if col.key in _TEXT_KEYS else None
            sheet.set_column(i, i, widths[i], fmt)
        last = max(_LAST_ROW, count)
        kinds_range = _instructions(book, kind, bold, wrap)
        keys = [c.key for c in columns]
        if "gender" in keys:
            g = keys.index("gender")
            sheet.data_validation(
                1,
                g,
                last,
                g,
                {
                    "validate": "list",
                    "source": [label for _, label in Gender.choices],
                    "error_title": "Giới tính",
                    "error_message": "Chọn Nam, Nữ hoặc Khác.",
                },
            )
        if "kind" in keys:
            k = keys.index("kind")
            sheet.data_validation(
                1,
                k,
                last,
                k,
                {
                    "validate": "list",
                    "source": kinds_range,
                    "error_title": "Loại đơn vị",
                    "error_message": "Chọn một loại trong danh sách (xem trang Hướng dẫn).",
                },
            )
        sheet.activate()
        book.close()
        out.seek(0)
        return out.read()


def _csv_safe(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe
    (CSV injection); the importer removes it again."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(kind: str, rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM so Excel shows the Vietnamese letters; comma separated."""
    columns = COLUMNS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for row in rows:
        writer.writerow([_csv_safe(_cell_text(row.get(c.key))) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """The blank import template: header, formats, dropdowns and instructions."""
    return write_xlsx(kind, [])


def export_people(
    actor: Any,
    *,
    fmt: str = "xlsx",
    q: str | None = None,
    unit: Unit | None = None,
    include_subunits: bool = False,
) -> bytes:
    rows = people_rows(actor, people_queryset(actor, q=q, unit=unit, include_subunits=include_subunits))
    return write_csv(Kind.PEOPLE, rows) if fmt == "csv" else write_xlsx(Kind.PEOPLE, rows)


def export_units(
    actor: Any, *, fmt: str = "xlsx", unit: Unit | None = None, include_subunits: bool = False
) -> bytes:
    rows = unit_rows(units_queryset(actor, unit=unit, include_subunits=include_subunits))
    return write_csv(Kind.UNITS, rows) if fmt == "csv" else write_xlsx(Kind.UNITS, rows)


def filename(kind: str, fmt: str) -> str:
    """ASCII file names: some mail and browser stacks still mangle accented ones."""
    stem = {Kind.PEOPLE: "ca-nhan", Kind.UNITS: "don-vi"}[kind]
    return f"{stem}-{dt.date.today():%Y%m%d}.{'csv' if fmt == 'csv' else 'xlsx'}"


def template_filename(kind: str) -> str:
    return {Kind.PEOPLE: "mau-nhap-ca-nhan.xlsx", Kind.UNITS: "mau-nhap-don-vi.xlsx"}[kind]
