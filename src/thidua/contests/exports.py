"""Results workbook: prizes, the overall ranking, participation per unit.

Written with xlsxwriter in constant memory, so a board of 600.000 people is
streamed row by row; text that looks like a formula is written as text.
"""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone

from thidua.contests import ranking
from thidua.contests.models import Contest
from thidua.contests.services import tally_pending

MAX_ROWS = 1_000_000


def _duration(ms: int) -> str:
    seconds = ms / 1000
    return f"{int(seconds // 60)} phút {seconds % 60:.1f} giây".replace(".", ",")


def results_xlsx(contest: Contest) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "constant_memory": True}
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    tally_pending(contest)
    allocation = ranking.allocate(contest)

    sheet = book.add_worksheet("Giải cá nhân")
    head = [
        "Giải",
        "Đợt",
        "Hạng",
        "Họ và tên",
        "Đơn vị",
        "Điểm",
        "Dự đoán",
        "Chênh lệch",
        "Thời gian",
        "Nộp lúc",
        "Đồng hạng",
        "Tiền thưởng (đồng)",
    ]
    sheet.write_row(0, 0, head, bold)
    for r, w in enumerate(allocation.individuals, start=1):
        e = w.entry
        sheet.write_row(r, 0, [
            w.label, w.round.name if w.round else "Toàn cuộc thi", e.rank, e.full_name, e.unit_name, e.score,
            "" if e.prediction is None else e.prediction, "" if e.prediction_gap is None else e.prediction_gap,
            _duration(e.duration_ms), timezone.localtime(e.submitted_at).strftime("%d/%m/%Y %H:%M:%S"),
            "Có" if w.tied else "", ranking.prize_amount(contest, w.level),
        ])  # fmt: skip

    sheet = book.add_worksheet("Giải tập thể")
    sheet.write_row(
        0,
        0,
        ["Hạng", "Đơn vị", "Số người tham gia", "Số người của đơn vị", "Tỷ lệ (%)", "Đồng hạng", "Điểm",
         "Tiền thưởng (đồng)"],
        bold,
    )  # fmt: skip
    for r, u in enumerate(allocation.collectives, start=1):
        rate = "" if u.rate is None else round(u.rate * 100, 2)
        points = "" if u.points is None else float(u.points)
        sheet.write_row(r, 0, [
            u.rank, u.unit.name, u.participants, u.headcount or "", rate, "Có" if u.tied else "", points,
            contest.collective_prize_amount,
        ])  # fmt: skip

    sheet = book.add_worksheet("Theo đơn vị")
    sheet.write_row(
        0, 0, ["Đơn vị", "Số người tham gia", "Số lượt thi", "Số người của đơn vị", "Tỷ lệ (%)"], bold
    )
    for r, row in enumerate(ranking.unit_participation(contest), start=1):
        rate = "" if row["rate"] is None else round(row["rate"] * 100, 2)
        sheet.write_row(
            r, 0, [row["unit"].name, row["participants"], row["attempts"], row["headcount"] or "", rate]
        )

    sheet = book.add_worksheet("Xếp hạng chung")
    sheet.write_row(
        0, 0, ["Hạng", "Họ và tên", "Đơn vị", "Điểm", "Dự đoán", "Chênh lệch", "Thời gian", "Nộp lúc"], bold
    )
    for r, e in enumerate(ranking.ranked(contest, whole=True), start=1):
        if r > MAX_ROWS:
            break
        sheet.write_row(r, 0, [
            e.rank, e.full_name, e.unit_name, e.score, "" if e.prediction is None else e.prediction,
            "" if e.prediction_gap is None else e.prediction_gap, _duration(e.duration_ms),
            timezone.localtime(e.submitted_at).strftime("%d/%m/%Y %H:%M:%S"),
        ])  # fmt: skip
    book.close()
    return out.getvalue()
