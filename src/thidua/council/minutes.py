"""Biên bản họp Hội đồng TĐKT, as DOCX (python-docx) and PDF (WeasyPrint).

One place for the minutes: :func:`build_text` collects everything the
minutes say, in order, from the session; :func:`render_docx` and
:func:`render_pdf` only lay that text out, so the two files cannot disagree.

The layout is that of an official record under Decree 30/2020/NĐ-CP
(Appendix I): A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times
New Roman 14 pt (13 pt in the header, 12 pt in the result table, 11 pt
its headings, so ten columns fit the 165 mm line); a two-column header without borders — the
governing body in capitals, the issuing body ("HỘI ĐỒNG THI ĐUA - KHEN
THƯỞNG") in bold capitals with a short rule, the record number; the national
title and motto with a rule the length of the motto, the place-date line in
italics — then "BIÊN BẢN" and its subject in bold, centred; the body; the
signature block (Thư ký left, Chủ tọa right) and "Nơi nhận".

The minutes carry everything the decision must be justified with: who was
present and absent, the quorum and its rule, who was recused, and per
candidate the votes, the share, the threshold with its citation and the
result. A ballot not yet closed shows no figures (the tally is secret until then).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from thidua.core.vn import place_date
from thidua.council import selectors, services
from thidua.council.models import Ballot, BallotMode, BallotState, Session
from thidua.directory.enums import ADMINISTRATIVE_KINDS
from thidua.directory.models import Unit

FONT = "Times New Roman"
PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # Decree 30/2020, Appendix I, II.4
LINE_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm of text width
HEADER_MM = (68, LINE_MM - 68)  # the national title, 13 pt bold, needs 95 mm on one line
# The issuing body on two lines: on one line, 13 pt bold, it needs 90 mm and would wrap anywhere.
BODY_LINES = ("HỘI ĐỒNG", "THI ĐUA - KHEN THƯỞNG")
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SUBJECT = "Họp Hội đồng Thi đua - Khen thưởng"
NUMBER_LINE = "Số:        /BB-HĐTĐKT"  # the record number is written by hand at registration
HEADS = ["STT", "Cá nhân, tập thể", "Hình thức khen thưởng", "Đồng ý", "Không đồng ý", "Không biểu quyết",
         "Tỷ lệ đồng ý", "Ngưỡng thông qua", "Kết quả"]  # fmt: skip
# The result table fills the 165 mm line. The threshold's citation and the way of voting
# go to the notes under the table: repeated in every row they tripled its height.
COLUMNS_MM = (8, 30, 22, 11, 12, 12, 23, 28, 19)
LEFT_COLUMNS = (1, 2, 7)
CONFIDENCE = {
    "text": "đã đối chiếu văn bản",
    "unconfirmed": "chưa xác nhận",
    "council": "quy chế của Hội đồng",
}


def governing_body(unit: Unit) -> str:
    """The body the council belongs to, as the header's first line (capitals):
    the People's Committee for an administrative unit ("UBND", the abbreviation
    Decree 30 allows for the governing body), else the unit itself."""
    name = f"UBND {unit.name}" if unit.kind in ADMINISTRATIVE_KINDS else unit.name
    return name.upper()


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def result_row(ballot: Ballot) -> list[str]:
    """One line of the result table (without its number): figures only once closed."""
    c = ballot.candidate
    threshold = services.threshold_text(ballot)
    if ballot.state == BallotState.DEFERRED:
        return [
            str(c.recipient),
            c.award_type.name,
            "",
            "",
            "",
            "",
            threshold,
            f"Hoãn xét ({ballot.defer_reason})",
        ]
    if ballot.state != BallotState.CLOSED:
        return [str(c.recipient), c.award_type.name, "", "", "", "", threshold, "Chưa kết thúc biểu quyết"]
    return [
        str(c.recipient),
        c.award_type.name,
        str(ballot.votes_for),
        str(ballot.votes_against),
        str(ballot.votes_abstain),
        f"{ballot.votes_for}/{ballot.base_count} ({services.percent(ballot.share)} %)",
        threshold,
        "Thông qua" if ballot.passed else "Không thông qua",
    ]


def _mode_notes(ballots: list[Ballot]) -> list[str]:
    """How the council voted: one line, naming the exceptions by their number in the table."""
    live = (BallotState.OPEN, BallotState.CLOSED)  # a pending ballot's way of voting is not chosen yet
    voted = [(n, b.mode) for n, b in enumerate(ballots, start=1) if b.state in live]
    if not voted:
        return []
    modes = [m for _n, m in voted]
    main = max(set(modes), key=lambda m: (modes.count(m), m == BallotMode.SECRET))
    others = [n for n, m in voted if m != main]
    line = f"Hình thức biểu quyết: {BallotMode(main).label.lower()}"
    if others:
        other = BallotMode.OPEN if main == BallotMode.SECRET else BallotMode.SECRET
        line += f", trừ các trường hợp số {', '.join(map(str, others))}: {other.label.lower()}"
    return [line + "."]


@dataclass
class MinutesText:
    """Everything the minutes say, in reading order; the DOCX and the PDF render this."""

    parent_body: str
    body_lines: tuple[str, ...]
    number_line: str
    place_date: str
    title: str
    opening: list[str]
    members_line: str
    present: list[str]
    absent: list[str]
    conflicts: list[str]
    rows: list[list[str]]
    notes: list[str]
    closing: str
    secretary_name: str
    chair_name: str
    heads: list[str] = field(default_factory=lambda: list(HEADS))
    copies_to: list[str] = field(default_factory=lambda: ["- Thành viên Hội đồng;", "- Lưu: VT, HĐTĐKT."])
    body_title: str = "BIÊN BẢN"
    subject: str = SUBJECT


def build_text(session: Session) -> MinutesText:
    council = session.council
    rows = selectors.attendance_rows(session)
    q = services.quorum(session)
    present = [
        f"- {m.full_name}, {m.get_role_display()}" + (f", {m.position}" if m.position else "")
        for m, here, _note in rows
        if here
    ]
    absent = [
        f"- {m.full_name}, {m.get_role_display()}" + (f" ({note})" if note else "")
        for m, here, note in rows
        if not here
    ]
    conflicts = [
        f"- {c.member.full_name}: đối với {c.ballot.candidate.recipient} ({c.reason})"
        for c in selectors.conflicts_of(session)
    ]
    members_line = (
        f"Tổng số thành viên Hội đồng có quyền biểu quyết: {q.members}; có mặt: {q.present}; "
        f"vắng mặt: {q.members - q.present}. Số thành viên dự họp "
        + ("đạt" if q.met else "không đạt")
        + f" quy định (tối thiểu {services.percent(q.required)} %"
        + (f", {q.citation}" if q.citation else "")
        + ")."
    )
    ballots = list(
        Ballot.objects.filter(session=session)
        .select_related(
            "candidate__award_type", "candidate__person", "candidate__unit", "candidate__household"
        )
        .order_by("position", "id")
    )
    notes = _mode_notes(ballots)
    rules = {(services.threshold_text(b), b.rule_source, b.citation, b.confidence): None for b in ballots}
    for threshold, source, citation, confidence in rules:
        kind = "quy định khen thưởng" if source == "rule" else "quy chế làm việc của Hội đồng"
        notes.append(
            f"Ngưỡng “{threshold}” áp dụng theo {kind}: {citation} "
            f"(độ tin cậy: {CONFIDENCE.get(confidence, confidence or '—')})."
        )
    if any(b.written_for or b.written_against or b.written_abstain for b in ballots):
        notes.append("Số phiếu đã gồm ý kiến bằng văn bản của thành viên vắng mặt do Thư ký tổng hợp.")
    chair = session.chair.full_name if session.chair else ""
    secretary = session.secretary.full_name if session.secretary else ""
    return MinutesText(
        parent_body=governing_body(council.unit),
        body_lines=BODY_LINES,
        number_line=NUMBER_LINE,
        place_date=place_date(council.unit, session.date),
        title=session.title,
        opening=[
            f"Thời gian: ngày {_d(session.date)}.",
            f"Địa điểm: {session.place or '…'}.",
            f"Chủ trì (chủ tọa): {chair or '…'}.",
            f"Thư ký (người ghi biên bản): {secretary or '…'}.",
        ],
        members_line=members_line,
        present=present,
        absent=absent,
        conflicts=conflicts,
        rows=[[str(n), *result_row(b)] for n, b in enumerate(ballots, start=1)],
        notes=notes,
        closing="Cuộc họp kết thúc vào hồi …… giờ …… cùng ngày./.",
        secretary_name=secretary,
        chair_name=chair,
    )


# --- DOCX ------------------------------------------------------------------------------------


def _widths(table, widths_mm, mm) -> None:
    """Column widths in both places Word and LibreOffice read them (grid and cells)."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = mm(width)


def render_docx(text: MinutesText) -> bytes:
    """The minutes as a DOCX in the Decree 30/2020 layout."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm, Pt

    center = WD_ALIGN_PARAGRAPH.CENTER
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)

    def para(container, value="", *, bold=False, italic=False, size=None, align=None, after=3, indent=False):
        p = container.add_paragraph()
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(after)
        if indent:
            p.paragraph_format.first_line_indent = Mm(10)
        if value:
            run = p.add_run(value)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        return p

    def first(cell, value, *, bold=False, italic=False, size=None):
        p = cell.paragraphs[0]
        p.alignment = center
        run = p.add_run(value)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        return p

    def rule(p, width_mm: float, column_mm: float) -> None:
        """A short line under a header block: the bottom border of an indented empty paragraph."""
        side = max((column_mm - width_mm) / 2, 0)
        p.paragraph_format.left_indent = Mm(side)
        p.paragraph_format.right_indent = Mm(side)
        p._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
            )
        )

    def borderless(table) -> None:
        sides = ("top", "left", "bottom", "right", "insideH", "insideV")
        table._tbl.tblPr.append(
            parse_xml(
                f"<w:tblBorders {nsdecls('w')}>"
                + "".join(f'<w:{s} w:val="nil"/>' for s in sides)
                + "</w:tblBorders>"
            )
        )

    # Header: governing body / issuing body / number | nation / motto / place-date.
    left_w, right_w = HEADER_MM
    header = doc.add_table(rows=2, cols=2)
    borderless(header)
    header.autofit = False
    _widths(header, HEADER_MM, Mm)
    c = header.cell(0, 0)
    first(c, text.parent_body, size=13)
    p = para(c, align=center, after=0)
    for i, line in enumerate(text.body_lines):
        run = p.add_run(line)
        run.bold, run.font.size = True, Pt(13)
        if i < len(text.body_lines) - 1:
            run.add_break()
    rule(para(c, after=6), 25, left_w)
    c = header.cell(0, 1)
    first(c, NATION, bold=True, size=13)
    para(c, MOTTO, bold=True, size=14, align=center, after=0)
    rule(para(c, after=6), 60, right_w)
    first(header.cell(1, 0), text.number_line, size=13)
    first(header.cell(1, 1), text.place_date, italic=True, size=14)

    para(doc, after=6)
    para(doc, text.body_title, bold=True, align=center, after=0)
    para(doc, text.subject, bold=True, align=center, after=0)
    para(doc, text.title, bold=True, align=center, after=0)
    rule(para(doc, after=12), 40, LINE_MM)

    for line in text.opening:
        para(doc, line, indent=True)
    para(doc, "I. THÀNH PHẦN", bold=True)
    para(doc, text.members_line, indent=True)
    para(doc, "Thành viên có mặt:", italic=True)
    for line in text.present:
        para(doc, line)
    if text.absent:
        para(doc, "Thành viên vắng mặt:", italic=True)
        for line in text.absent:
            para(doc, line)
    if text.conflicts:
        para(doc, "Thành viên khai báo xung đột lợi ích, không tham gia biểu quyết:", italic=True)
        for line in text.conflicts:
            para(doc, line)

    para(doc, "II. KẾT QUẢ BIỂU QUYẾT", bold=True)
    table = doc.add_table(rows=1, cols=len(text.heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def cell(target, value: str, *, bold: bool = False, left: bool = False) -> None:
        p = target.paragraphs[0]
        if not left:
            p.alignment = center
        run = p.add_run(value)
        run.bold = bold
        run.font.size = Pt(11 if bold else 12)

    table.autofit = False
    for i, h in enumerate(text.heads):
        cell(table.rows[0].cells[i], h, bold=True)
    for values in text.rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            cell(cells[i], value, left=i in LEFT_COLUMNS)
    _widths(table, COLUMNS_MM, Mm)
    for line in text.notes:
        para(doc, line, italic=True)
    para(doc, text.closing, indent=True, after=12)

    sign = doc.add_table(rows=1, cols=2)
    borderless(sign)
    sign.autofit = False
    _widths(sign, (LINE_MM / 2, LINE_MM / 2), Mm)
    for i, (role, name, hint) in enumerate(
        (("THƯ KÝ", text.secretary_name, "(Chữ ký)"), ("CHỦ TỌA", text.chair_name, "(Chữ ký, dấu (nếu có))"))
    ):
        c = sign.cell(0, i)
        first(c, role, bold=True)
        para(c, hint, italic=True, size=13, align=center, after=0)
        for _ in range(3):
            para(c, after=0)
        para(c, name, bold=True, align=center, after=0)

    p = para(doc, "Nơi nhận:", bold=True, italic=True, size=12, after=0)
    p.paragraph_format.space_before = Pt(12)
    for line in text.copies_to:
        para(doc, line, size=11, after=0)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """WeasyPrint URL fetcher that fetches nothing: the minutes need no outside resource,
    and names typed by users must not make the server read files or call hosts."""
    raise ValueError(f"Không tải tài nguyên ngoài: {url[:80]}")


def render_html(text: MinutesText) -> str:
    return render_to_string(
        "council/minutes_pdf.html",
        {
            "t": text,
            "m": MARGINS_MM,
            "header": HEADER_MM,
            "columns": COLUMNS_MM,
            "nation": NATION,
            "motto": MOTTO,
        },
    )


def render_pdf(text: MinutesText) -> bytes:
    """The same text as the DOCX, typeset by WeasyPrint (A4, Decree 30 margins)."""
    from weasyprint import HTML

    return HTML(string=render_html(text), url_fetcher=_no_fetch).write_pdf()


def build(session: Session) -> bytes:
    """The minutes of ``session`` as DOCX bytes."""
    return render_docx(build_text(session))


def build_pdf(session: Session) -> bytes:
    """The minutes of ``session`` as PDF bytes."""
    return render_pdf(build_text(session))
