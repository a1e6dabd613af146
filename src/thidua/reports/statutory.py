"""The home-affairs sector's statutory statistical forms on commendation work
(biểu mẫu báo cáo thống kê ngành Nội vụ, lĩnh vực thi đua, khen thưởng), as XLSX.

Which forms, and how sure we are (docs/legal/verification.md, "Biểu thống kê"):
the layouts are those of Biểu số 0601.N/BNV-TĐKT (số phong trào thi đua),
0602.N/BNV-TĐKT (số lượng khen thưởng cấp Nhà nước) and 0603.N/BNV-TĐKT (số
lượng khen thưởng cấp bộ, ban, ngành, tỉnh) issued with Thông tư 02/2023/TT-BNV
(23/3/2023, in force 10/5/2023) — read from a transcription, not from the
gazette — which continued forms 0701–0703 of Thông tư 03/2018/TT-BNV.
Thông tư 18/2025/TT-BNV (08/10/2025) now sets the sector's statistical
reporting; its annexed forms could not be read, so every sheet says which
circular its layout comes from and that it is to be checked against the one
in force. The layout is data (:data:`FORMS`); a new circular is a new entry.

What the registry can fill and what it cannot: counts by form, recipient kind
(tập thể, hộ gia đình, cá nhân) and occasion (thường xuyên, chuyên đề, đột
xuất, đối ngoại, niên hạn) come from the registry lines of the report (revoked
ones excluded, the achievement-period rule of :mod:`figures`); rows the
registry does not record (enterprises among collectives, leaders' ranks among
individuals, "cống hiến", "kháng chiến") are left blank for the officer, never
written as 0. Movements come from the report's movements. Each count is one
registry line (lượt khen thưởng), as the forms count.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.db.models import Count
from xlsxwriter.utility import xl_rowcol_to_cell

from thidua.awards.models import AwardType
from thidua.reports import adapters
from thidua.reports.figures import KIND_LABELS, Figures, award_queryset, report_units
from thidua.reports.routers import reporting

SOURCE = "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ Nội vụ"
CAVEAT = (
    "Ghi chú: bố cục biểu theo Thông tư 02/2023/TT-BNV (nguồn: bản chép lại, chưa đối chiếu bản gốc); "
    "Thông tư 18/2025/TT-BNV ngày 08/10/2025 quy định lại chế độ báo cáo thống kê ngành Nội vụ — cần đối "
    "chiếu với biểu của thông tư đang có hiệu lực trước khi gửi. Kỳ báo cáo thống kê thi đua, khen thưởng "
    "theo Thông tư 02/2023/TT-BNV: từ 01/12 năm trước đến 30/11 năm báo cáo. Ô để trống: sổ khen thưởng "
    "không ghi thông tin này, cơ quan báo cáo tự điền."
)
RECEIVED = "Ngày nhận báo cáo: ngày 15 tháng 12 năm báo cáo"
BOTH = ("collective", "individual")


@dataclass
class Column:
    head: str  # the form's column heading
    codes: tuple[str, ...] = ()  # award codes counted in it
    prefixes: tuple[str, ...] = ()  # or award names starting so (one column per type found)
    kinds: tuple[str, ...] = ()  # one sub-column per recipient kind ("Tập thể", "Cá nhân")
    other: bool = False  # every award of the form's levels not in another column


@dataclass
class Row:
    code: str  # mã số
    label: str
    unit: str = ""  # đơn vị tính
    kind: str | None = None  # recipient kind
    occasion: str | None = None  # registry occasion
    total: bool = False
    blank: bool = False  # not recorded in the registry: left for the officer
    heading: bool = False  # a section title, no figures


@dataclass
class Form:
    code: str
    title: str
    levels: tuple[str, ...]  # registry authority levels counted
    columns: list[Column]
    rows: list[Row]
    unit_note: str = ""


def _award_rows(first: int) -> list[Row]:
    """The rows of 0602 / 0603 after "Tổng số" and the proposer rows: by recipient, by occasion."""
    n = first
    rows: list[Row] = [Row("", "1. Chia theo đối tượng khen thưởng", heading=True)]
    for label, unit, kind, blank in (
        ("- Tập thể", "Tập thể", "collective", False),
        ("Trong đó: Doanh nghiệp", "Doanh nghiệp", None, True),
        ("- Hộ gia đình", "Hộ", "household", False),
        ("- Cá nhân", "Người", "individual", False),
        ("+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", "Người", None, True),
        ("+ Lãnh đạo cấp vụ, sở, ngành và tương đương", "Người", None, True),
        ("+ Doanh nhân", "Người", None, True),
        ("+ Các cấp lãnh đạo khác từ phó phòng trở lên", "Người", None, True),
        (
            "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu",
            "Người",
            None,
            True,
        ),
    ):
        rows.append(Row(f"{n:02d}", label, unit, kind=kind, blank=blank))
        n += 1
    rows.append(Row("", "2. Chia theo phương thức khen thưởng", heading=True))
    for label, occasion in (
        ("- Thường xuyên", "regular"),
        ("- Chuyên đề", "thematic"),
        ("- Đột xuất", "sudden"),
        ("- Đối ngoại", "foreign"),
        ("- Cống hiến", None),
        ("- Niên hạn", "tenure"),
        ("- Kháng chiến", None),
    ):
        rows.append(Row(f"{n:02d}", label, occasion=occasion, blank=occasion is None))
        n += 1
    return rows


MOVEMENT_ROWS = [
    Row("01", "Tổng số", total=True),
    Row("", "1. Chia theo phạm vi tổ chức thi đua", heading=True),
    Row("02", "- Toàn quốc"),
    Row("03", "- Bộ, ban, ngành, đoàn thể, địa phương"),
    Row("04", "- Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức"),
    Row("05", "- Cơ quan, tổ chức, đơn vị"),
    Row("", "2. Chia theo thời hạn thi đua", heading=True),
    Row("06", "- Dưới 1 năm"),
    Row("07", "- 1 năm"),
    Row("08", "- Từ 1 năm đến dưới 3 năm"),
    Row("09", "- Từ 3 năm đến dưới 5 năm"),
    Row("10", "- Từ 5 năm trở lên"),
    Row("", "3. Chia theo phương thức tổ chức phong trào thi đua", heading=True),
    Row("11", "- Thi đua theo chuyên đề"),
    Row("12", "- Thi đua thường xuyên hằng năm"),
]

FORMS: dict[str, Form] = {
    "0601": Form(
        code="0601.N/BNV-TĐKT",
        title="SỐ PHONG TRÀO THI ĐUA",
        levels=(),
        columns=[
            Column("Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)"),
            Column("Cấp bộ, ban, ngành, đoàn thể trung ương, tỉnh, thành phố trực thuộc Trung ương"),
            Column("Cơ quan, tổ chức, đơn vị"),
        ],
        rows=MOVEMENT_ROWS,
        unit_note="Đơn vị tính: Phong trào",
    ),
    "0602": Form(
        code="0602.N/BNV-TĐKT",
        title="SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC",
        levels=("state", "government"),
        columns=[
            Column("Huân chương", prefixes=("Huân chương",), kinds=BOTH),
            Column("Huy chương", prefixes=("Huy chương",), kinds=BOTH),
            Column("Giải thưởng Hồ Chí Minh", prefixes=("Giải thưởng Hồ Chí Minh",)),
            Column("Giải thưởng Nhà nước", prefixes=("Giải thưởng Nhà nước",)),
            Column(
                "Danh hiệu vinh dự nhà nước",
                prefixes=(
                    "Anh hùng",
                    "Bà mẹ Việt Nam anh hùng",
                    "Nhà giáo",
                    "Thầy thuốc",
                    "Nghệ sĩ",
                    "Nghệ nhân",
                ),
            ),
            Column("Cờ thi đua của Chính phủ", codes=("CTD_CP",)),
            Column("Bằng khen của Thủ tướng Chính phủ", codes=("BK_TTG",), kinds=BOTH),
            Column("Danh hiệu “Chiến sĩ thi đua toàn quốc”", codes=("CSTD_TQ",)),
            Column("Các hình thức khen thưởng khác", other=True, kinds=BOTH),
        ],
        rows=[
            Row("01", "Tổng số", total=True),
            Row("", "Chia theo đơn vị ban hành tờ trình Thủ tướng Chính phủ về khen thưởng", heading=True),
            Row("02", "- Bộ, ban, ngành, đoàn thể Trung ương", "Bộ, ngành", blank=True),
            Row("03", "- Tỉnh, thành phố trực thuộc Trung ương", "Tỉnh, TP", blank=True),
            *_award_rows(6),  # codes 04–05 are not in the transcription read
        ],
    ),
    "0603": Form(
        code="0603.N/BNV-TĐKT",
        title="SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, ĐOÀN THỂ TRUNG ƯƠNG VÀ TỈNH, THÀNH PHỐ TRỰC THUỘC "
        "TRUNG ƯƠNG",
        levels=("province",),
        columns=[
            Column("Bằng khen", codes=("BK_TINH",)),
            Column("Chiến sĩ thi đua cấp bộ, cấp tỉnh", codes=("CSTD_TINH",)),
            Column(
                "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
                codes=("CTD_TINH",),
            ),
            Column(
                "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh",
                prefixes=("Kỷ niệm chương", "Huy hiệu"),
            ),
        ],
        rows=[Row("01", "Tổng số", total=True), *_award_rows(2)],
    ),
}


@dataclass
class Cell:
    """One column of a filled form: its two heading rows, what it counts."""

    head: str
    sub: str  # the recipient kind under the heading, or ""
    codes: set[str]  # award codes counted
    kind: str = ""  # recipient kind counted ("" = all)
    other: bool = False  # every code of the form's levels except ``codes``


@dataclass
class Sheet:
    """One filled form: its columns and, per row, the numbers (a heading row is None;
    a row the registry cannot fill is all None, left blank)."""

    form: Form
    columns: list[Cell] = field(default_factory=list)
    values: list[list[int | None] | None] = field(default_factory=list)


def _expand(form: Form, types: list[AwardType]) -> list[Cell]:
    """The form's columns: a prefixed heading opens one column per award type of the
    catalogue it matches ("mỗi hình thức khen thưởng ghi riêng một cột"), each split by
    recipient kind when the form splits it; "khác" takes every code no column claims."""
    out: list[Cell] = []
    claimed: set[str] = set()
    for col in form.columns:
        groups: list[tuple[str, set[str]]] = [(col.head, set(col.codes))]
        if col.prefixes:
            matched = [t for t in types if t.name.startswith(col.prefixes)]
            groups = [(t.name, {t.code}) for t in matched] if len(matched) > 1 else [
                (col.head, {t.code for t in matched})]  # fmt: skip
        for head, codes in groups:
            claimed |= codes
            for kind in col.kinds or ("",):
                out.append(Cell(head, KIND_LABELS.get(kind, ""), codes, kind, col.other))
    for cell in out:
        if cell.other:
            cell.codes = claimed
    return out


def _counts(fig: Figures, levels: tuple[str, ...]) -> Counter:
    units = report_units(_unit(fig))
    qs = award_queryset(units, fig.include_subunits, fig.period_from, fig.period_to).filter(
        authority_level__in=levels
    )
    counts: Counter = Counter()
    for r in qs.order_by().values("award_type__code", "recipient_kind", "occasion").annotate(n=Count("id")):
        counts[(r["award_type__code"], r["recipient_kind"], r["occasion"])] += r["n"]
    return counts


def _unit(fig: Figures) -> Any:
    from thidua.directory.models import Unit

    return Unit.objects.get(pk=fig.unit_id)


def _award_sheet(fig: Figures, form: Form) -> Sheet:
    columns = _expand(form, list(AwardType.objects.order_by("-rank", "code")))
    counts = _counts(fig, form.levels)

    def value(col: Cell, row: Row) -> int:
        return sum(
            n
            for (code, kind, occasion), n in counts.items()
            if (code not in col.codes if col.other else code in col.codes)
            and (not col.kind or kind == col.kind)
            and (row.kind is None or kind == row.kind)
            and (row.occasion is None or occasion == row.occasion)
        )

    sheet = Sheet(form, columns)
    for row in form.rows:
        if row.heading:
            sheet.values.append(None)
        elif row.blank:
            sheet.values.append([None] * len(columns))
        else:
            sheet.values.append([value(c, row) for c in columns])
    return sheet


def _years(m: Any) -> float:
    return ((m.end_date - m.start_date).days + 1) / 365.25


def _movement_sheet(fig: Figures, form: Form) -> Sheet:
    """0601 from the report's movements: by launching level (a province's movement is
    the "bộ, ngành, tỉnh" level, any other unit's the "cơ quan, tổ chức, đơn vị" level),
    by scope (a movement a Khối/Cụm is scored under counts as a Khối/Cụm one), by length
    and by kind (thematic and special movements are "theo chuyên đề")."""
    schemed = adapters.schemed_movements([m.id for m in fig.movements])
    rows: dict[str, list[int]] = {r.code: [0, 0, 0] for r in form.rows if r.code}
    for m in fig.movements:
        col = 1 if m.launching_kind == "province" else 2
        hits = ["01"]
        hits.append("04" if m.id in schemed else ("03" if m.launching_kind == "province" else "05"))
        years = _years(m)
        hits.append(
            "06"
            if years < 0.99
            else "07"
            if years < 1.01
            else "08"
            if years < 3
            else "09"
            if years < 5
            else "10"
        )
        hits.append("12" if m.kind == "regular" else "11")
        for code in hits:
            rows[code][col] += 1
    sheet = Sheet(form, [Cell(c.head, "", set()) for c in form.columns])
    sheet.values = [None if r.heading else rows[r.code] for r in form.rows]
    return sheet


def sheets(fig: Figures) -> list[Sheet]:
    """The three forms filled from one report's figures (the registry read once per form)."""
    with reporting():
        return [
            _movement_sheet(fig, FORMS["0601"]),
            _award_sheet(fig, FORMS["0602"]),
            _award_sheet(fig, FORMS["0603"]),
        ]


def render(fig: Figures) -> bytes:
    """The forms as one workbook, a sheet per form: the form's code and source top left,
    the reporting unit top right, the title, the year, the lettered and numbered heading
    row (A, B, C, 1 = 2 + 3 …), "Tổng số" column as a real formula, blanks left blank."""
    from thidua.reports.tables import _formats

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fmt = _formats(book)
    font = {"font_name": "Times New Roman", "font_size": 12}
    boxed = {**font, "border": 1}
    wrap = book.add_format(
        {**boxed, "font_size": 11, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    left = book.add_format({**boxed, "text_wrap": True})
    bold_left = book.add_format({**boxed, "bold": True, "text_wrap": True})
    center = book.add_format({**boxed, "align": "center"})
    plain = book.add_format(font)
    title = book.add_format({**font, "font_size": 14, "bold": True, "align": "center"})
    italic = book.add_format({**font, "italic": True, "align": "center"})
    for sheet in sheets(fig):
        form = sheet.form
        ws = book.add_worksheet(form.code.split(".")[0])
        ncols = 3 + 1 + len(sheet.columns)
        ws.write(0, 0, f"Biểu số: {form.code}", fmt["title"])
        ws.write(1, 0, SOURCE, plain)
        ws.write(2, 0, RECEIVED, plain)
        ws.write(0, ncols - 3, f"Đơn vị báo cáo: {fig.unit_name}", plain)
        ws.write(1, ncols - 3, "Đơn vị nhận báo cáo:", plain)
        ws.merge_range(4, 0, 4, ncols - 1, form.title, title)
        period = (
            f"Năm {fig.period_to.year} (số liệu từ {fig.period_from:%d/%m/%Y} đến {fig.period_to:%d/%m/%Y})"
        )
        ws.merge_range(5, 0, 5, ncols - 1, period, italic)
        if form.unit_note:
            ws.write(6, ncols - 2, form.unit_note, plain)
        top = 7
        for c, h in enumerate(["", "Mã số", "Đơn vị tính", "Tổng số"]):
            ws.merge_range(top, c, top + 1, c, h, wrap)
        for j, cell in enumerate(sheet.columns, start=4):
            ws.write(top, j, cell.head, wrap)
            ws.write(top + 1, j, cell.sub, wrap)
        letters = ["A", "B", "C", "1"]
        for c, v in enumerate(letters + [str(i) for i in range(2, len(sheet.columns) + 2)]):
            ws.write(top + 2, c, v, center)
        r = top + 3
        for row, values in zip(form.rows, sheet.values, strict=True):
            ws.write(r, 0, row.label, bold_left if row.heading or row.total else left)
            ws.write(r, 1, row.code, center)
            ws.write(r, 2, row.unit, center)
            if values is None or all(v is None for v in values):
                for c in range(3, ncols):
                    ws.write_blank(r, c, None, left)
            else:
                for c, v in enumerate(values, start=4):
                    ws.write(r, c, v, fmt["num"])
                first, last = xl_rowcol_to_cell(r, 4), xl_rowcol_to_cell(r, ncols - 1)
                ws.write_formula(r, 3, f"=SUM({first}:{last})", fmt["total"], sum(values))
            r += 1
        ws.write(r + 1, 0, CAVEAT, plain)
        ws.set_column(0, 0, 55)
        ws.set_column(1, 2, 12)
        ws.set_column(3, ncols - 1, 16)
        ws.set_row(top, 60)
        ws.set_row(top + 1, 45)
        ws.freeze_panes(top + 3, 1)
    book.close()
    return out.getvalue()
