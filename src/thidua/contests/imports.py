"""Question bank import (XLSX or CSV) and its template; results export.

All or nothing, like every import in thidua: the file is read and every row
checked first; one bad row refuses the whole file with row/column messages in
Vietnamese (:class:`ImportRejected`) and nothing is written. The reading
helpers (size limit, zip-bomb guard, cell text) are the directory's.
"""

from __future__ import annotations

import io
import re
from typing import Any

import xlsxwriter

from thidua.contests import services
from thidua.contests.enums import QuestionKind
from thidua.contests.models import MAX_OPTIONS, Contest
from thidua.core import sheets
from thidua.core.errors import DomainError, ImportRejected, PermissionDenied
from thidua.core.text import fold
from thidua.directory.imports import (
    INSTRUCTIONS_SHEET,
    CellError,
    Report,
    cell_str,
    read_limited,
    read_rows,
    reject,
)

LETTERS = "ABCDEFGH"[:MAX_OPTIONS]
COLUMNS: list[tuple[str, str, bool]] = [
    ("topic", "Chủ đề", True),
    ("kind", "Loại", False),
    ("text", "Câu hỏi", True),
    *[(letter, f"Phương án {letter}", letter in "AB") for letter in LETTERS],
    ("answer", "Đáp án đúng", True),
]
MAX_QUESTIONS = 5000
_KINDS = {"": None, "mot": "single", "chon mot": "single", "nhieu": "multiple", "chon nhieu": "multiple"}


def template_xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = book.add_worksheet("Câu hỏi")
    for col, (_, label, _) in enumerate(COLUMNS):
        sheet.write(0, col, label, bold)
        sheet.set_column(col, col, 40 if label == "Câu hỏi" else 18)
    sheet.write_row(
        1,
        0,
        [
            "Luật Thi đua, khen thưởng",
            "một",
            "Luật Thi đua, khen thưởng năm 2022 có hiệu lực từ ngày nào?",
            "01/01/2024",
            "01/07/2023",
            "01/01/2023",
            "15/06/2022",
            "",
            "",
            "",
            "",
            "A",
        ],
    )
    sheet.write_row(
        2,
        0,
        [
            "Cải cách hành chính",
            "nhiều",
            "Những nội dung nào thuộc chương trình cải cách hành chính?",
            "Cải cách thể chế",
            "Tăng biên chế",
            "Cải cách tài chính công",
            "",
            "",
            "",
            "",
            "",
            "A, C",
        ],
    )
    help_sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    lines = [
        "Mỗi dòng là một câu hỏi. Dòng đầu tiên là tên cột, không đổi tên cột.",
        "Chủ đề: tên chủ đề (chưa có thì hệ thống tạo mới).",
        "Loại: «một» (chọn một đáp án) hoặc «nhiều» (chọn nhiều đáp án); để trống thì tự nhận theo số đáp án đúng.",
        f"Phương án A … {LETTERS[-1]}: ít nhất 2 phương án, điền liền nhau từ A.",
        "Đáp án đúng: chữ cái của phương án đúng, ví dụ «B» hoặc «A, C».",
        "Nếu có dòng lỗi, cả tệp bị từ chối và chưa câu hỏi nào được nhập.",
    ]
    for i, line in enumerate(lines):
        help_sheet.write(i, 0, line)
    book.close()
    return out.getvalue()


SHEET_COLUMNS = tuple(
    sheets.Column(key, label, required, 40 if key == "text" else 18) for key, label, required in COLUMNS
)


def parse_questions(data: bytes, name: str) -> list[dict[str, Any]]:
    # The header is found and matched (any order, case or accents; extra
    # columns ignored; blank rows skipped) by the import helper every thidua
    # import uses.
    rows = read_rows(read_limited(data), name)
    try:
        located = sheets.locate(rows, SHEET_COLUMNS)
    except ImportRejected as exc:
        if exc.detail.startswith("Tệp thiếu cột"):
            exc.detail += " Hãy dùng tệp mẫu."
        raise
    report = Report()
    result: list[dict[str, Any]] = []
    for line, cells in located.rows:

        def get(key: str, cells: dict[str, Any] = cells) -> Any:
            return cells.get(key)

        if len(result) >= MAX_QUESTIONS:
            raise reject(f"Mỗi lần chỉ nhập tối đa {MAX_QUESTIONS:,} câu hỏi.".replace(",", "."))
        values: dict[str, Any] = {}
        ok = True
        for key, label, max_len, required in (
            ("topic", "Chủ đề", 200, True),
            ("text", "Câu hỏi", 2000, True),
        ):
            try:
                values[key] = cell_str(get(key), max_len, required=required)
            except CellError as exc:
                report.add(line, label, str(exc))
                ok = False
        options: list[str] = []
        gap = False
        for letter in LETTERS:
            try:
                text = cell_str(get(letter), 500)
            except CellError as exc:
                report.add(line, f"Phương án {letter}", str(exc))
                ok = False
                continue
            if text and gap:
                report.add(line, f"Phương án {letter}", "Các phương án phải điền liền nhau từ A.")
                ok = False
            if text:
                options.append(text)
            else:
                gap = True
        answer = fold(str(get("answer") or "")).upper()
        letters = re.findall(r"[A-H]", answer)
        if not letters or re.sub(r"[A-H,;\s]", "", answer):
            report.add(line, "Đáp án đúng", "Ghi chữ cái của phương án đúng, ví dụ «B» hoặc «A, C».")
            ok = False
        kind_text = fold(str(get("kind") or ""))
        if kind_text not in _KINDS:
            report.add(line, "Loại", "Loại phải là «một» hoặc «nhiều».")
            ok = False
        if not ok:
            continue
        correct = sorted({LETTERS.index(c) for c in letters})
        kind = _KINDS[kind_text] or (QuestionKind.MULTIPLE if len(correct) > 1 else QuestionKind.SINGLE)
        try:
            text, options, mask = services.validate_question(kind, values["text"], options, correct)
        except DomainError as exc:
            column = "Đáp án đúng" if "đáp án" in exc.message.lower() else "Phương án A"
            report.add(line, column, exc.message)
            continue
        result.append(
            {"topic": values["topic"], "kind": kind, "text": text, "options": options, "mask": mask}
        )
    report.raise_if_any()
    if not result:
        raise reject("Tệp không có câu hỏi nào dưới dòng tiêu đề.")
    return result


def import_questions(*, actor: Any, contest: Contest, data: bytes, name: str) -> int:
    """Check the right first (a refused user learns nothing about the file), then
    read everything, then write everything in one transaction."""
    if actor is not None:
        from thidua.accounts.scoping import can_on_unit

        if not can_on_unit(actor, services.MANAGE, contest.organiser):
            raise PermissionDenied("Bạn không có quyền quản lý cuộc thi của đơn vị này.")
    rows = parse_questions(data, name)
    return services.questions_bulk_create(actor=actor, contest=contest, rows=rows)
