"""Reading XLSX and CSV files for the all-or-nothing imports of every app.

Neutral: nothing here knows people, units or awards. Each app's import service
(``directory.imports``, ``awards.imports`` …) declares its :class:`Column`
tuple and calls :func:`read_limited` (size and zip-bomb guards), :func:`read_rows`
(python-calamine or the csv module, by the file's name), :func:`locate` (the
header matched whatever its case, accents and order), the cell readers
(:func:`cell_str`, :func:`cell_date` …) and :class:`Report` (every (row,
column, message) at once, bounded) — so a file is read, and refused, the same
way wherever it is uploaded.

Calamine returns numbers as ``float`` and dates as ``date``/``datetime`` only
when the cell is formatted as a date, so codes and identity numbers are turned
back into text here and a bare number in a date column is read as an Excel
serial date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import python_calamine
from django.conf import settings

from thidua.core.errors import DomainError, ImportRejected, RowError
from thidua.core.text import clean, fold

MAX_ERRORS = 500  # reported per refusal; enough to fix a file, bounded for the page and the JSON
WRITE_BATCH = 1000  # rows per INSERT of a bulk write
QUERY_CHUNK = 500  # values per IN (…) list: below every database's parameter limit
# A zip bomb of 20 MiB can inflate to gigabytes; a genuine sheet compresses ~10×.
MAX_UNZIPPED_FACTOR = 40
INSTRUCTIONS_SHEET = "Hướng dẫn"
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1/1/1900 with Excel's 1900 leap-year quirk
# A CSV exported by us (or a careful user) guards text starting with these by a leading "'".
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """One column of an import file: its key, its header as shown, and whether
    the file must have it. ``aliases`` are other headers people actually type."""

    key: str
    label: str
    required: bool
    width: int
    aliases: tuple[str, ...] = ()
    note: str = ""


# --- reading files -------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of a file, located: ``rows`` holds (sheet row number, {key: raw cell})."""

    header_row: int
    rows: list[tuple[int, dict[str, Any]]]


def reject(detail: str, errors: list[RowError] | None = None) -> ImportRejected:
    return ImportRejected(detail=detail, errors=errors or [])


def _size(n: int) -> str:
    """A byte count as people say it: "20 MB", "512 KB", "100 byte"."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} byte"


def read_limited(file: IO[bytes] | bytes) -> bytes:
    """The file's bytes, refusing it before reading it all when it is too large."""
    limit = settings.THIDUA_IMPORT_MAX_BYTES
    too_big = reject(f"Tệp quá lớn: chỉ nhận tệp đến {_size(limit)}.")
    if isinstance(file, bytes):
        if len(file) > limit:
            raise too_big
        return file
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise too_big
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    broken = reject("Tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise broken from exc
    if unzipped > max(len(data), 1024 * 1024) * MAX_UNZIPPED_FACTOR:
        raise reject("Tệp Excel giải nén ra quá lớn; hãy kiểm tra lại tệp.")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [n for n in book.sheet_names if fold(n) != fold(INSTRUCTIONS_SHEET)]
        if not names:
            raise reject("Tệp Excel không có trang dữ liệu.")
        return book.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)
    except ImportRejected:
        raise
    except Exception as exc:  # calamine raises its own errors and, on odd files, others
        raise broken from exc


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise reject("Tệp CSV phải dùng bảng mã UTF-8.") from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise reject(f"Tệp CSV bị lỗi định dạng: {exc}.") from exc


def read_rows(data: bytes, name: str) -> list[list[Any]]:
    """Every row of the file's data sheet as cell values, by format from the name."""
    lower = (name or "").lower()
    if lower.endswith(".csv"):
        return _csv_rows(data)
    if lower.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    raise reject("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not clean(cell))


def locate(rows: list[list[Any]], columns: tuple[Column, ...]) -> Sheet:
    """Find the header (the first non-blank row), match its names to ``columns``
    whatever their case, accents and order, and keep the non-blank data rows."""
    by_name: dict[str, Column] = {}
    for col in columns:
        for name in (col.label, *col.aliases):
            by_name[fold(name)] = col
    header_index = next((i for i, r in enumerate(rows) if not all(_is_blank(c) for c in r)), None)
    if header_index is None:
        raise reject("Tệp không có dữ liệu.")
    header_row = header_index + 1
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for pos, cell in enumerate(rows[header_index]):
        col = by_name.get(fold(cell_text(cell)[0]))
        if col is None:
            continue  # extra columns (notes, "STT" …) are ignored
        if col.key in positions:
            errors.append(RowError(header_row, col.label, "Cột bị lặp lại."))
        positions[col.key] = pos
    missing = [c for c in columns if c.required and c.key not in positions]
    errors += [RowError(header_row, c.label, "Thiếu cột bắt buộc.") for c in missing]
    if missing:
        raise reject("Tệp thiếu cột bắt buộc: " + ", ".join(c.label for c in missing) + ".", errors)
    if errors:
        raise reject("Dòng tiêu đề có cột bị lặp lại.", errors)
    data: list[tuple[int, dict[str, Any]]] = []
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        if all(_is_blank(c) for c in row):
            continue
        data.append((i + 1, {k: (row[p] if p < len(row) else "") for k, p in positions.items()}))
    if not data:
        raise reject("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    return Sheet(header_row=header_row, rows=data)


# --- reading cells -------------------------------------------------------------------


class CellError(Exception):
    pass


def cell_text(value: Any) -> tuple[str, bool]:
    """(text, came from a number): ``1.0`` → "1"; a date → "dd/mm/yyyy"."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("1" if value else "0"), True
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), True
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y"), False
    text = str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]  # the guard our CSV export puts before text that looks like a formula
    return text, False


def cell_str(value: Any, max_length: int, *, required: bool = False) -> str:
    raw, _ = cell_text(value)
    if CONTROL_CHARS.search(raw):
        raise CellError("Có ký tự điều khiển không được phép.")
    try:
        text = clean(raw, max_length=max_length)
    except ValueError as exc:
        raise CellError(f"Dài quá {max_length} ký tự.") from exc
    if required and not text:
        raise CellError("Không được để trống.")
    return text


def cell_date(value: Any) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or dd/mm/yyyy text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError(f"Số «{value:g}» không phải là ngày hợp lệ.")
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = cell_str(value, 40)
    if not text:
        return None
    if m := _DATE_TEXT.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        raise CellError(f"«{text}» không phải ngày dạng dd/mm/yyyy.")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"Ngày «{text}» không tồn tại.") from exc


def chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- validating ----------------------------------------------------------------------


@dataclass
class Report:
    """Problems found so far; bounded so a file of 100,000 bad rows stays readable."""

    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))

    def raise_if_any(self) -> None:
        if not self.total:
            return
        detail = f"Tệp có {self.total} lỗi; chưa nhập dòng nào. Hãy sửa các lỗi dưới đây rồi tải lên lại."
        if self.total > len(self.errors):
            detail += f" (Chỉ liệt kê {len(self.errors)} lỗi đầu tiên.)"
        raise reject(detail, sorted(self.errors, key=lambda e: e.row))


def error_message(exc: Exception) -> str:
    text = exc.message if isinstance(exc, DomainError) else str(exc)
    return text if text.endswith(".") else text + "."
