"""Statistical tables (biểu thống kê) as XLSX, written with xlsxwriter.

Each sheet: a title, the report's unit and period, a header row frozen under
the title, totals that are real ``SUM`` formulas (an officer who corrects a
number in Excel sees the total follow), widths fitted to the longest text.
The numbers are those of :class:`~thidua.reports.figures.Figures`, the same
the JSON and the DOCX show.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from thidua.awards.enums import Grade
from thidua.awards.models import AwardType
from thidua.reports import groups
from thidua.reports.figures import KIND_LABELS, KINDS, Figures
from thidua.reports.sentences import NO_DATA

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3  # 0-based: title, unit/period, blank, header


class _Sheet:
    """A sheet that remembers the widest text per column to fit widths at the end."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, title: str, fig: Figures, fmt: dict[str, Any]):
        self.ws = book.add_worksheet(name)
        self.fmt = fmt
        self.widths: dict[int, int] = {}
        self.ws.write(0, 0, title, fmt["title"])
        self.ws.write(
            1,
            0,
            f"Đơn vị: {fig.unit_name}{' (gồm đơn vị trực thuộc)' if fig.include_subunits else ''}. "
            f"Kỳ báo cáo: {fig.period_from:%d/%m/%Y} – {fig.period_to:%d/%m/%Y}",
            fmt["italic"],
        )

    def write(self, row: int, col: int, value: Any, fmt: str | None = None) -> None:
        self.ws.write(row, col, value, self.fmt[fmt] if fmt else self.fmt["cell"])
        self.widths[col] = max(self.widths.get(col, 0), len(str(value)) if value is not None else 0)

    def formula(self, row: int, col: int, formula: str, value: int | float, fmt: str = "total") -> None:
        self.ws.write_formula(row, col, formula, self.fmt[fmt], value)
        self.widths[col] = max(self.widths.get(col, 0), len(str(value)) + 2)

    def header(self, heads: list[str]) -> None:
        for c, h in enumerate(heads):
            self.write(HEADER_ROW, c, h, "head")
        self.ws.freeze_panes(HEADER_ROW + 1, 0)

    def fit(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, min(max(width + 2, 6), 60))


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    base = {"font_name": "Times New Roman", "font_size": 12, "border": 1, "valign": "vcenter"}
    return {
        "title": book.add_format({"font_name": "Times New Roman", "bold": True, "font_size": 14}),
        "italic": book.add_format({"font_name": "Times New Roman", "italic": True, "font_size": 12}),
        "head": book.add_format(
            {**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        ),
        "cell": book.add_format({**base}),
        "num": book.add_format({**base, "num_format": "#,##0"}),
        "pct": book.add_format({**base, "num_format": "0.0"}),
        "score": book.add_format({**base, "num_format": "#,##0.##"}),
        "total": book.add_format({**base, "bold": True, "num_format": "#,##0"}),
        "total_label": book.add_format({**base, "bold": True}),
        "note": book.add_format({"font_name": "Times New Roman", "italic": True, "font_size": 12}),
    }


def _sum(col: int, first: int, last: int) -> str:
    if last < first:
        return "=0"
    return f"=SUM({xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)})"


def _awards_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(
        book,
        "Khen thưởng",
        "Biểu 01. Kết quả khen thưởng theo hình thức, cấp quyết định và đối tượng",
        fig,
        fmt,
    )
    s.header(
        ["STT", "Mã", "Hình thức, danh hiệu", "Cấp quyết định", "Tập thể", "Cá nhân", "Hộ gia đình", "Tổng"]
    )
    row = HEADER_ROW + 1
    first = row
    for i, a in enumerate(fig.awards, start=1):
        s.write(row, 0, i)
        s.write(row, 1, a.award_type)
        s.write(row, 2, a.name)
        s.write(row, 3, a.authority_label)
        s.write(row, 4, a.collective, "num")
        s.write(row, 5, a.individual, "num")
        s.write(row, 6, a.household, "num")
        s.formula(row, 7, f"=SUM({xl_rowcol_to_cell(row, 4)}:{xl_rowcol_to_cell(row, 6)})", a.total, "num")
        row += 1
    if not fig.awards:
        s.write(row, 2, NO_DATA, "note")
        row += 1
    last = row - 1 if fig.awards else first - 1
    s.write(row, 2, "Tổng cộng", "total_label")
    totals = [fig.award_totals.get(k, 0) for k in ("collective", "individual", "household")]
    for c, v in zip((4, 5, 6), totals, strict=True):
        s.formula(row, c, _sum(c, first, last), v)
    s.formula(row, 7, _sum(7, first, last), sum(totals))
    s.fit()


def _awards_by_unit_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(
        book,
        "Khen thưởng theo đơn vị",
        "Biểu 02. Số lượt khen thưởng theo đơn vị, hình thức và đối tượng",
        fig,
        fmt,
    )
    codes = sorted({c for u in fig.by_unit for c in u.awards})
    names = {t.code: t.short_name or t.name for t in AwardType.objects.filter(code__in=codes)}
    columns = [(c, k) for c in codes for k in KINDS if any(u.awards.get(c, {}).get(k) for u in fig.by_unit)]
    s.header(["STT", "Đơn vị", *[f"{names.get(c, c)} — {KIND_LABELS[k]}" for c, k in columns], "Tổng"])
    row = HEADER_ROW + 1
    first = row
    for i, u in enumerate(fig.by_unit, start=1):
        s.write(row, 0, i)
        s.write(row, 1, u.name)
        for j, (c, k) in enumerate(columns, start=2):
            s.write(row, j, u.awards.get(c, {}).get(k, 0), "num")
        end = len(columns) + 1
        total = sum(sum(v.values()) for v in u.awards.values())
        formula = f"=SUM({xl_rowcol_to_cell(row, 2)}:{xl_rowcol_to_cell(row, end)})" if columns else "=0"
        s.formula(row, len(columns) + 2, formula, total, "num")
        row += 1
    s.write(row, 1, "Tổng cộng", "total_label")
    for j in range(2, len(columns) + 3):
        total = 0
        if j < len(columns) + 2:
            c, k = columns[j - 2]
            total = sum(u.awards.get(c, {}).get(k, 0) for u in fig.by_unit)
        else:
            total = sum(sum(sum(v.values()) for v in u.awards.values()) for u in fig.by_unit)
        s.formula(row, j, _sum(j, first, row - 1), total)
    s.fit()


def _ratings_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(book, "Xếp loại", "Biểu 03. Xếp loại chất lượng theo mức và đơn vị", fig, fmt)
    grades = list(Grade)
    s.header(
        ["STT", "Đơn vị", "Xếp loại của đơn vị", *[f"Cá nhân — {g.label}" for g in grades], "Tổng cá nhân"]
    )
    labels = dict(Grade.choices)
    row = HEADER_ROW + 1
    first = row
    for i, u in enumerate(fig.by_unit, start=1):
        s.write(row, 0, i)
        s.write(row, 1, u.name)
        s.write(row, 2, labels.get(u.unit_grade, ""))
        for j, g in enumerate(grades, start=3):
            s.write(row, j, u.people_grades.get(g.value, 0), "num")
        end = 2 + len(grades)
        s.formula(
            row, end + 1, f"=SUM({xl_rowcol_to_cell(row, 3)}:{xl_rowcol_to_cell(row, end)})",
            sum(u.people_grades.values()), "num",
        )  # fmt: skip
        row += 1
    s.write(row, 1, "Tổng cộng", "total_label")
    for j, g in enumerate(grades, start=3):
        s.formula(row, j, _sum(j, first, row - 1), sum(u.people_grades.get(g.value, 0) for u in fig.by_unit))
    s.formula(
        row,
        3 + len(grades),
        _sum(3 + len(grades), first, row - 1),
        sum(sum(u.people_grades.values()) for u in fig.by_unit),
    )
    # Summary by grade with shares as formulas.
    row += 2
    s.write(row, 1, "Tổng hợp theo mức xếp loại", "total_label")
    row += 1
    for c, h in enumerate(["", "Mức xếp loại", "Đơn vị (số)", "Đơn vị (%)", "Cá nhân (số)", "Cá nhân (%)"]):
        if h:
            s.write(row, c, h, "head")
    row += 1
    top = row
    n = len(grades)
    for gu, gp in zip(fig.unit_ratings.grades, fig.people_ratings.grades, strict=True):
        s.write(row, 1, gu.label)
        s.write(row, 2, gu.count, "num")
        s.write(row, 4, gp.count, "num")
        row += 1
    total_row = row
    s.write(total_row, 1, "Tổng số được xếp loại", "total_label")
    s.formula(total_row, 2, _sum(2, top, top + n - 1), fig.unit_ratings.rated)
    s.formula(total_row, 4, _sum(4, top, top + n - 1), fig.people_ratings.rated)
    for i, (gu, gp) in enumerate(zip(fig.unit_ratings.grades, fig.people_ratings.grades, strict=True)):
        r = top + i
        for col, src, value in ((3, 2, gu.share), (5, 4, gp.share)):
            tot = xl_rowcol_to_cell(total_row, src, row_abs=True)
            s.formula(
                r,
                col,
                f"=IF({tot}=0,0,ROUND({xl_rowcol_to_cell(r, src)}*100/{tot},1))",
                float(value or 0),
                "pct",
            )
    s.fit()


def _movements_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(book, "Phong trào", "Biểu 04. Chỉ tiêu, nhiệm vụ của các phong trào thi đua", fig, fmt)
    s.header(["STT", "Phong trào", "Chỉ tiêu đạt, vượt", "Tổng số chỉ tiêu", "Nhiệm vụ hoàn thành",
              "Nhiệm vụ đang thực hiện", "Nhiệm vụ chưa triển khai", "Tổng số nhiệm vụ", "Giao ước đã ký"])  # fmt: skip
    row = HEADER_ROW + 1
    first = row
    for i, m in enumerate(fig.movements, start=1):
        s.write(row, 0, i)
        s.write(row, 1, m.name)
        for c, v in enumerate([m.indicators_met, m.indicators_total, m.tasks_done, m.tasks_in_progress,
                               m.tasks_not_started, m.tasks_total, m.pledges], start=2):  # fmt: skip
            s.write(row, c, v, "num")
        row += 1
    if not fig.movements:
        s.write(row, 1, NO_DATA, "note")
        row += 1
    last = row - 1 if fig.movements else first - 1
    s.write(row, 1, "Tổng cộng", "total_label")
    attrs = ["indicators_met", "indicators_total", "tasks_done", "tasks_in_progress", "tasks_not_started",
             "tasks_total", "pledges"]  # fmt: skip
    for c, attr in enumerate(attrs, start=2):
        s.formula(row, c, _sum(c, first, last), sum(getattr(m, attr) for m in fig.movements))
    row += 2
    lines = [(m.name, ln) for m in fig.movements for ln in m.indicator_lines]
    if lines:
        for c, h in enumerate(["", "Phong trào", "Chỉ tiêu", "Đạt (% kế hoạch)", "Đạt, vượt kế hoạch"]):
            if h:
                s.write(row, c, h, "head")
        row += 1
        for name, ln in lines:
            s.write(row, 1, name)
            s.write(row, 2, ln["name"])
            s.write(row, 3, ln["share"] if ln["share"] is not None else "", "pct")
            s.write(row, 4, "Có" if ln["met"] else "Không")
            row += 1
    s.fit()


def _groups_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(
        book, "Khối, cụm", "Biểu 05. Kết quả chấm điểm, xếp hạng khối, cụm thi đua và Cờ thi đua", fig, fmt
    )
    s.header(["STT", "Khối, cụm thi đua", "Năm", "Hạng", "Số đơn vị được xếp hạng", "Đơn vị", "Điểm",
              "Đề nghị tặng", "Đã được tặng"])  # fmt: skip
    row = HEADER_ROW + 1
    for i, r in enumerate(groups.as_rows(fig.groups), start=1):
        s.write(row, 0, i)
        s.write(row, 1, r["group"])
        s.write(row, 2, r["year"])
        s.write(row, 3, r["rank"], "num")
        s.write(row, 4, r["ranked"], "num")
        s.write(row, 5, r["unit"])
        s.write(row, 6, float(r["score"]), "score")
        s.write(row, 7, r["proposed"])
        s.write(row, 8, r["awarded"])
        row += 1
    if not fig.groups:
        s.write(row, 1, NO_DATA, "note")
    s.fit()


def _contests_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(book, "Cuộc thi", "Biểu 06. Các cuộc thi", fig, fmt)
    s.header(["STT", "Cuộc thi", "Đơn vị được mời", "Đơn vị có người dự thi", "Người dự thi", "Lượt thi",
              "Người đạt điểm tối đa", "Lượt thi đúng"])  # fmt: skip
    row = HEADER_ROW + 1
    for i, c in enumerate(fig.contests, start=1):
        s.write(row, 0, i)
        s.write(row, 1, c.name)
        for col, v in enumerate([c.invited_units, c.units_with_participants, c.participants, c.attempts,
                                 c.max_score_participants, c.all_correct_attempts], start=2):  # fmt: skip
            s.write(row, col, v, "num")
        row += 1
    if not fig.contests:
        s.write(row, 1, NO_DATA, "note")
    s.fit()


def _money_sheet(book: xlsxwriter.Workbook, fig: Figures, fmt: dict[str, Any]) -> None:
    s = _Sheet(book, "Tiền thưởng", "Biểu 07. Tiền thưởng theo nguồn kinh phí", fig, fmt)
    s.header(["STT", "Nguồn kinh phí", "Số lượt", "Số tiền (đồng)"])
    row = HEADER_ROW + 1
    first = row
    for i, p in enumerate(fig.prize_money, start=1):
        s.write(row, 0, i)
        s.write(row, 1, p.budget_source)
        s.write(row, 2, p.records, "num")
        s.write(row, 3, p.amount, "num")
        row += 1
    last = row - 1
    s.write(row, 1, "Tổng cộng", "total_label")
    s.formula(row, 2, _sum(2, first, last), sum(p.records for p in fig.prize_money))
    s.formula(row, 3, _sum(3, first, last), fig.prize_total)
    s.fit()


def render(fig: Figures) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fmt = _formats(book)
    _awards_sheet(book, fig, fmt)
    _awards_by_unit_sheet(book, fig, fmt)
    _ratings_sheet(book, fig, fmt)
    _movements_sheet(book, fig, fmt)
    _groups_sheet(book, fig, fmt)
    _contests_sheet(book, fig, fmt)
    _money_sheet(book, fig, fmt)
    book.close()
    return out.getvalue()


def chart_xlsx(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """One chart's data (the dashboard's "tải số liệu"), with a total row of formulas."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fmt = _formats(book)
    ws = book.add_worksheet("Số liệu")
    ws.write(0, 0, title, fmt["title"])
    for c, h in enumerate(headers):
        ws.write(2, c, h, fmt["head"])
    ws.freeze_panes(3, 0)
    widths = [len(h) for h in headers]
    for r, values in enumerate(rows, start=3):
        for c, v in enumerate(values):
            ws.write(r, c, v, fmt["num"] if isinstance(v, (int, float)) else fmt["cell"])
            widths[c] = max(widths[c], len(str(v)))
    last = 2 + len(rows)
    ws.write(last + 1, 0, "Tổng cộng", fmt["total_label"])
    for c in range(1, len(headers)):
        if rows and all(isinstance(r[c], (int, float)) for r in rows):
            ws.write_formula(last + 1, c, _sum(c, 3, last), fmt["total"], sum(r[c] for r in rows))
    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, 8), 60))
    book.close()
    return out.getvalue()
