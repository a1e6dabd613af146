"""Biên bản họp Hội đồng TĐKT as DOCX (python-docx, Times New Roman 13 pt).

The minutes carry everything the decision must be justified with: who was
present and absent, the quorum and its rule, who was recused, and per
candidate the votes, the share, the threshold with its citation and the
result. A ballot not yet closed shows no figures (the tally is secret until then).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from thidua.council import selectors, services
from thidua.council.models import Ballot, BallotState, Session

CONFIDENCE = {
    "text": "đã đối chiếu văn bản",
    "unconfirmed": "chưa xác nhận",
    "council": "quy chế của Hội đồng",
}


def _font(doc: Document) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    for section in doc.sections:
        section.left_margin = Cm(3)
        section.right_margin = Cm(2)
        section.top_margin = Cm(2)
        section.bottom_margin = Cm(2)


def _para(doc: Document, text: str = "", *, bold: bool = False, center: bool = False, italic: bool = False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    run.italic = italic
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(3)
    return p


def _cell(cell, text: str, *, bold: bool = False, center: bool = True, size: int | None = None) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


def result_row(ballot: Ballot) -> list[str]:
    c = ballot.candidate
    threshold = f"{services.threshold_text(ballot)} ({ballot.citation})"
    if ballot.state == BallotState.DEFERRED:
        return [
            str(c.recipient),
            c.award_type.name,
            "",
            "",
            "",
            "",
            "",
            threshold,
            f"Hoãn xét ({ballot.defer_reason})",
        ]
    if ballot.state != BallotState.CLOSED:
        return [str(c.recipient), c.award_type.name, ballot.get_mode_display(), "", "", "", "", threshold,
                "Chưa kết thúc biểu quyết"]  # fmt: skip
    return [
        str(c.recipient),
        c.award_type.name,
        ballot.get_mode_display(),
        str(ballot.votes_for),
        str(ballot.votes_against),
        str(ballot.votes_abstain),
        f"{ballot.votes_for}/{ballot.base_count} ({services.percent(ballot.share)} %)",
        threshold,
        "Thông qua" if ballot.passed else "Không thông qua",
    ]


def build(session: Session) -> bytes:
    council = session.council
    doc = Document()
    _font(doc)

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell(header.cell(0, 0), f"{council.unit.name.upper()}\n{council.name.upper()}", bold=True, size=12)
    _cell(
        header.cell(0, 1),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        bold=True,
        size=12,
    )
    _para(doc)
    _para(doc, "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", bold=True, center=True)
    _para(doc, session.title, bold=True, center=True)

    _para(doc, f"Thời gian: ngày {_d(session.date)}.")
    _para(doc, f"Địa điểm: {session.place or '…'}.")
    _para(doc, f"Chủ trì: {session.chair.full_name if session.chair else '…'}.")
    _para(doc, f"Thư ký: {session.secretary.full_name if session.secretary else '…'}.")

    rows = selectors.attendance_rows(session)
    q = services.quorum(session)
    present = [(m, note) for m, here, note in rows if here]
    absent = [(m, note) for m, here, note in rows if not here]
    _para(doc, "I. THÀNH PHẦN", bold=True)
    _para(
        doc,
        f"Tổng số thành viên Hội đồng có quyền biểu quyết: {q.members}; có mặt: {q.present}; "
        f"vắng mặt: {q.members - q.present}. Số thành viên dự họp "
        + ("đạt" if q.met else "không đạt")
        + f" quy định (tối thiểu {services.percent(q.required)} %"
        + (f", {q.citation}" if q.citation else "")
        + ").",
    )
    _para(doc, "Thành viên có mặt:", italic=True)
    for m, _note in present:
        _para(doc, f"- {m.full_name}, {m.get_role_display()}" + (f", {m.position}" if m.position else ""))
    if absent:
        _para(doc, "Thành viên vắng mặt:", italic=True)
        for m, note in absent:
            _para(doc, f"- {m.full_name}, {m.get_role_display()}" + (f" ({note})" if note else ""))

    conflicts = list(selectors.conflicts_of(session).select_related("ballot__candidate"))
    if conflicts:
        _para(doc, "Thành viên khai báo xung đột lợi ích, không tham gia biểu quyết:", italic=True)
        for c in conflicts:
            _para(doc, f"- {c.member.full_name}: đối với {c.ballot.candidate.recipient} ({c.reason})")

    _para(doc, "II. KẾT QUẢ BIỂU QUYẾT", bold=True)
    ballots = list(
        Ballot.objects.filter(session=session)
        .select_related(
            "candidate__award_type", "candidate__person", "candidate__unit", "candidate__household"
        )
        .order_by("position", "id")
    )
    heads = ["STT", "Cá nhân, tập thể", "Hình thức khen thưởng", "Hình thức biểu quyết", "Đồng ý", "Không đồng ý",
             "Không biểu quyết", "Tỷ lệ đồng ý", "Ngưỡng (căn cứ)", "Kết quả"]  # fmt: skip
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for i, h in enumerate(heads):
        _cell(table.rows[0].cells[i], h, bold=True, size=10)
    for n, ballot in enumerate(ballots, start=1):
        cells = table.add_row().cells
        for i, value in enumerate([str(n), *result_row(ballot)]):
            _cell(cells[i], value, size=10, center=i not in (1, 2, 8))
    sources = {(b.rule_source, b.citation, b.confidence) for b in ballots}
    for source, citation, confidence in sorted(sources):
        kind = "quy định khen thưởng" if source == "rule" else "quy chế làm việc của Hội đồng"
        _para(
            doc,
            f"Ngưỡng áp dụng theo {kind}: {citation} (độ tin cậy: {CONFIDENCE.get(confidence, confidence or '—')}).",
            italic=True,
        )
    written = [b for b in ballots if b.written_for or b.written_against or b.written_abstain]
    if written:
        _para(
            doc,
            "Số phiếu đã gồm ý kiến bằng văn bản của thành viên vắng mặt do Thư ký tổng hợp.",
            italic=True,
        )

    _para(doc)
    sign = doc.add_table(rows=1, cols=2)
    _cell(
        sign.cell(0, 0),
        "THƯ KÝ\n\n\n\n" + (session.secretary.full_name if session.secretary else ""),
        bold=True,
    )
    _cell(sign.cell(0, 1), "CHỦ TRÌ\n\n\n\n" + (session.chair.full_name if session.chair else ""), bold=True)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
