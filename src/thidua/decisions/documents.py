"""The text of a decision (one builder) and its two renderings: DOCX and PDF.

Why python-docx and not a docxtpl template: the Decree 30/2020 layout needs
borderless header tables, paragraph rules under the issuing body and the
motto, exact margins and a long annex table; building them in code keeps the
layout in one reviewed place, needs no Word-authored binary in the repository
and is faster than rendering a Jinja template inside the XML (see
bench/decision_documents.py for the ratio). The annex rows are written as raw
WordprocessingML because python-docx's ``add_row`` copies the whole table grid
each time.

Why WeasyPrint for the PDF: LibreOffice is not installed here (checked:
no ``soffice``), and the HTML rendering of the same :class:`DecisionText`
gives the same words and numbers; it is what pdftotext reads back in the tests.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.template.loader import render_to_string

from thidua.awards.enums import RecipientKind
from thidua.core.vn import vn_date  # the one place-date helper; certificates import it from here
from thidua.decisions.models import Decision, DecisionRecipient
from thidua.decisions.services import ANNEX_THRESHOLD, award_phrase, body_name, money

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_KIND_UNIT = {"individual": "cá nhân", "collective": "tập thể", "household": "hộ gia đình"}


def _terminated(lines: list[str], last: str = ".") -> list[str]:
    """Each line ends with ";", the last with ``last``."""
    out = [ln.rstrip(" ;.") for ln in lines if ln.strip()]
    return [ln + (last if i == len(out) - 1 else ";") for i, ln in enumerate(out)]


@dataclass
class AnnexRow:
    stt: int
    name: str
    position: str
    award: str
    amount: str


@dataclass
class DecisionText:
    parent_body: str
    issuer_name: str
    number_line: str
    place_date: str
    subject: str
    authority_title: str
    bases: list[str]
    articles: list[tuple[str, list[str]]]  # ("Điều 1.", paragraphs)
    copies_to: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    annex_title: str = ""
    annex_note: str = ""
    annex: list[AnnexRow] = field(default_factory=list)
    total: str = ""
    annex_award_header: str = "Hình thức"  # "Giải" in a prize decision

    @property
    def has_annex(self) -> bool:
        return bool(self.annex)


def _counts(lines: list[DecisionRecipient]) -> str:
    counts = OrderedDict((k, 0) for k in ("collective", "household", "individual"))
    for ln in lines:
        counts[ln.recipient_kind] += 1
    parts = [f"{n:02d} {_KIND_UNIT[k]}" if n < 10 else f"{n} {_KIND_UNIT[k]}" for k, n in counts.items() if n]
    return " và ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]


def build_text(decision: Decision, lines: list[DecisionRecipient] | None = None) -> DecisionText:
    """Everything the decision says, in order; DOCX and PDF render this."""
    if lines is None:
        lines = list(decision.recipients.select_related("award_type").order_by("order", "id"))
    number = (
        f"Số: {decision.number}/{decision.symbol}" if decision.number else f"Số:       /{decision.symbol}"
    )
    if lines and all(ln.prize_label for ln in lines):
        return _prize_text(decision, lines, number)
    long = len(lines) > ANNEX_THRESHOLD
    by_award: OrderedDict[int, list[DecisionRecipient]] = OrderedDict()
    for ln in lines:
        by_award.setdefault(ln.award_type_id, []).append(ln)
    why = (
        f"đã có thành tích xuất sắc trong phong trào {decision.movement_name}"
        if decision.movement_name
        else "đã có thành tích xuất sắc trong thực hiện nhiệm vụ"
    )
    art1: list[str] = []
    for group in by_award.values():
        phrase = award_phrase(group[0].award_type)
        years = sorted({ln.year for ln in group})
        year = f" năm {years[0]}" if len(years) == 1 else ""
        text = f"{phrase[0].upper()}{phrase[1:]}{year} cho {_counts(group)} {why}"
        art1.append(text + (" (có danh sách kèm theo)." if long else ":"))
        if not long:
            art1 += [
                f"{i}. {ln.name}"
                + (f", {ln.position}" if ln.position else "")
                + (";" if i < len(group) else ".")
                for i, ln in enumerate(group, start=1)
            ]
    total = sum(ln.prize_amount or 0 for ln in lines)
    art2: list[str] = []
    priced: OrderedDict[tuple[str, str, int], int] = OrderedDict()
    for ln in lines:
        if ln.prize_amount:
            priced.setdefault((ln.award_type.name, ln.recipient_kind, ln.prize_amount), 0)
            priced[(ln.award_type.name, ln.recipient_kind, ln.prize_amount)] += 1
    for (award, kind, amount), n in priced.items():
        art2.append(
            f"Kèm theo {award}, mỗi {_KIND_UNIT[kind]} được thưởng {money(amount)} đồng "
            f"(số lượng: {n:02d} {_KIND_UNIT[kind]})."
        )
    if total:
        art2.append(f"Tổng số tiền thưởng: {money(total)} đồng.")
        if decision.budget_source:
            art2.append(f"Nguồn kinh phí: {decision.budget_source.rstrip('.')}.")
    else:
        art2.append("Khen thưởng không kèm theo tiền thưởng.")
    annex = [
        AnnexRow(
            stt=i,
            name=ln.name,
            position=ln.position,
            award=ln.award_type.name,
            amount=money(ln.prize_amount) if ln.prize_amount else "",
        )
        for i, ln in enumerate(lines, start=1)
    ]
    return _assemble(decision, number, art1, art2, total, annex if long else None, "DANH SÁCH KÈM THEO")


def _assemble(
    decision: Decision,
    number: str,
    art1: list[str],
    art2: list[str],
    total: int,
    annex: list[AnnexRow] | None,
    annex_title: str,
    annex_award_header: str | None = None,
) -> DecisionText:
    """The parts every decision shares (header, bases, Điều 3, recipients of copies,
    signature, and the annex when the list is long) around its own Điều 1 and 2."""
    art3 = [
        decision.execution.rstrip(" ./") + "./."
        if decision.execution
        else "Quyết định này có hiệu lực kể từ ngày ký./."
    ]
    text = DecisionText(
        parent_body=decision.parent_body,
        issuer_name=decision.issuer_name,
        number_line=number,
        place_date=f"{decision.place}, {vn_date(decision.decision_date)}",
        subject=decision.subject,
        authority_title=decision.authority_title,
        bases=_terminated(decision.legal_bases),
        articles=[("Điều 1.", art1), ("Điều 2.", art2), ("Điều 3.", art3)],
        copies_to=[f"- {c}" for c in _terminated(decision.copies_to)],
        signer_authority=decision.signer_authority,
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        total=money(total),
    )
    if annex is not None:
        number_ref = f"{decision.number}/{decision.symbol}" if decision.number else f"     /{decision.symbol}"
        text.annex_title = annex_title
        if annex_award_header:
            text.annex_award_header = annex_award_header
        text.annex_note = (
            f"(Kèm theo Quyết định số {number_ref} {vn_date(decision.decision_date)} "
            f"của {body_name(decision.issuer)})"
        )
        text.annex = annex
    return text


def _prize_text(decision: Decision, lines: list[DecisionRecipient], number: str) -> DecisionText:
    """A decision awarding a contest's prizes ("Quyết định về việc trao giải
    Cuộc thi …"): Điều 1 lists the winners by prize level, Điều 2 the
    certificate and the money of each level from the prize table, then the
    total; the annex takes the list when it is long."""
    long = len(lines) > ANNEX_THRESHOLD
    contest = decision.movement_name or "Cuộc thi"
    levels: OrderedDict[str, list[DecisionRecipient]] = OrderedDict()
    for ln in lines:
        levels.setdefault(ln.prize_label, []).append(ln)
    art1 = [
        f"Trao giải {contest} cho {_counts(lines)} đạt giải"
        + (" (có danh sách kèm theo)." if long else ", cụ thể như sau:")
    ]
    if not long:
        for label, group in levels.items():
            art1.append(f"{label} ({len(group):02d} giải):")
            art1 += [
                f"{i}. {ln.name}"
                + (f", {ln.position}" if ln.position else "")
                + (";" if i < len(group) else ".")
                for i, ln in enumerate(group, start=1)
            ]
    total = sum(ln.amount or 0 for ln in lines)
    art2 = [
        "Các tập thể, cá nhân có tên tại Điều 1 được tặng Giấy chứng nhận đạt giải và tiền thưởng như sau:"
    ]
    for label, group in levels.items():
        amounts = sorted({ln.amount or 0 for ln in group})
        each = " hoặc ".join(f"{money(a)} đồng" for a in amounts) if any(amounts) else "không kèm tiền thưởng"
        art2.append(f"- {label}: {each}/giải (số lượng: {len(group):02d} giải).")
    if total:
        art2.append(f"Tổng số tiền thưởng: {money(total)} đồng.")
        if decision.budget_source:
            art2.append(f"Nguồn kinh phí: {decision.budget_source.rstrip('.')}.")
    annex = [
        AnnexRow(
            stt=i,
            name=ln.name,
            position=ln.position,
            award=ln.prize_label,
            amount=money(ln.amount) if ln.amount else "",
        )
        for i, ln in enumerate(lines, start=1)
    ]
    return _assemble(
        decision,
        number,
        art1,
        art2,
        total,
        annex if long else None,
        "DANH SÁCH CÁC TẬP THỂ, CÁ NHÂN ĐẠT GIẢI",
        annex_award_header="Giải",
    )


# --- DOCX ------------------------------------------------------------------------------------


def _docx_modules():  # imported lazily: python-docx is only needed when a file is asked for
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm, Pt

    return docx, WD_ORIENT, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, WD_BREAK, parse_xml, nsdecls, qn, Mm, Pt


FONT = "Times New Roman"


def render_docx(text: DecisionText) -> bytes:
    """The decision as a DOCX in the Decree 30/2020 layout."""
    docx, _, _, align, brk, parse_xml, nsdecls, qn, mm, pt = _docx_modules()
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = mm(210), mm(297)
    section.top_margin, section.bottom_margin = mm(20), mm(20)
    section.left_margin, section.right_margin = mm(30), mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = pt(0)
    normal.paragraph_format.space_before = pt(0)

    def para(
        container,
        value="",
        *,
        bold=False,
        italic=False,
        size=None,
        center=False,
        justify=False,
        indent=False,
        after=0,
    ):
        p = container.add_paragraph()
        if center:
            p.alignment = align.CENTER
        elif justify:
            p.alignment = align.JUSTIFY
        if indent:
            p.paragraph_format.first_line_indent = mm(10)
        p.paragraph_format.space_after = pt(after)
        if value:
            run = p.add_run(value)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = pt(size)
        return p

    def rule(p, width_mm: float, column_mm: float):
        """A short horizontal line under a header block (a bottom border on an indented empty paragraph)."""
        side = max((column_mm - width_mm) / 2, 0)
        p.paragraph_format.left_indent = mm(side)
        p.paragraph_format.right_indent = mm(side)
        p._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
            )
        )
        p.paragraph_format.space_after = pt(6)

    def borderless(table):
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(
            parse_xml(
                f"<w:tblBorders {nsdecls('w')}>"
                + "".join(
                    f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV")
                )
                + "</w:tblBorders>"
            )
        )

    # Header: issuing body | national title and motto; then number | place-date.
    left_w, right_w = 65, 100
    header = doc.add_table(rows=2, cols=2)
    borderless(header)
    header.autofit = False
    for row in header.rows:
        row.cells[0].width, row.cells[1].width = mm(left_w), mm(right_w)
    c = header.rows[0].cells[0]
    c.paragraphs[0].alignment = align.CENTER
    if text.parent_body:
        r = c.paragraphs[0].add_run(text.parent_body)
        r.font.size = pt(13)
        p = para(c, text.issuer_name, bold=True, size=13, center=True)
    else:
        r = c.paragraphs[0].add_run(text.issuer_name)
        r.bold = True
        r.font.size = pt(13)
        p = c.paragraphs[0]
    rule(para(c), 25, left_w)
    c = header.rows[0].cells[1]
    c.paragraphs[0].alignment = align.CENTER
    r = c.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    r.bold = True
    r.font.size = pt(13)
    para(c, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, center=True)
    rule(para(c), 60, right_w)
    c = header.rows[1].cells[0]
    c.paragraphs[0].alignment = align.CENTER
    c.paragraphs[0].add_run(text.number_line).font.size = pt(13)
    c = header.rows[1].cells[1]
    c.paragraphs[0].alignment = align.CENTER
    r = c.paragraphs[0].add_run(text.place_date)
    r.italic = True
    r.font.size = pt(14)

    para(doc)
    para(doc, "QUYẾT ĐỊNH", bold=True, center=True)
    para(doc, text.subject, bold=True, center=True)
    rule(para(doc), 40, 165)
    para(doc, text.authority_title, bold=True, center=True, after=6)
    for line in text.bases:
        para(doc, line, italic=True, justify=True, indent=True, after=3)
    para(doc, "QUYẾT ĐỊNH:", bold=True, center=True, after=6)
    for label, paragraphs in text.articles:
        for i, value in enumerate(paragraphs):
            p = para(doc, justify=True, indent=True, after=3)
            if i == 0:
                p.add_run(label + " ").bold = True
            p.add_run(value)

    # Nơi nhận (bottom left, 12/11 pt) | signature block (bottom right).
    para(doc)
    foot = doc.add_table(rows=1, cols=2)
    borderless(foot)
    foot.autofit = False
    foot.rows[0].cells[0].width, foot.rows[0].cells[1].width = mm(75), mm(90)
    c = foot.rows[0].cells[0]
    r = c.paragraphs[0].add_run("Nơi nhận:")
    r.bold, r.italic = True, True
    r.font.size = pt(12)
    for line in text.copies_to:
        para(c, line, size=11)
    c = foot.rows[0].cells[1]
    c.paragraphs[0].alignment = align.CENTER
    first = text.signer_authority or text.signer_title
    c.paragraphs[0].add_run(first).bold = True
    if text.signer_authority:
        para(c, text.signer_title, bold=True, center=True)
    for _ in range(4):
        para(c)
    para(c, text.signer_name, bold=True, center=True)

    if text.has_annex:
        doc.add_paragraph().add_run().add_break(brk.PAGE)
        para(doc, text.annex_title, bold=True, center=True)
        para(doc, text.annex_note, italic=True, center=True, after=6)
        doc.element.body.insert(len(doc.element.body) - 1, _annex_xml(text, parse_xml, nsdecls))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cell(value: str, width: int, *, bold: bool = False, center: bool = False, right: bool = False) -> str:
    jc = '<w:jc w:val="center"/>' if center else ('<w:jc w:val="right"/>' if right else "")
    rpr = '<w:rPr><w:b/><w:sz w:val="26"/></w:rPr>' if bold else '<w:rPr><w:sz w:val="26"/></w:rPr>'
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr>{jc}</w:pPr><w:r>{rpr}<w:t xml:space="preserve">{escape(value)}</w:t></w:r></w:p></w:tc>'
    )


_WIDTHS = (700, 2700, 2900, 1800, 1250)  # twentieths of a point; ~165 mm of text width


def _annex_xml(text: DecisionText, parse_xml, nsdecls):
    head = ("STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", text.annex_award_header, "Số tiền (đồng)")
    rows = [
        "<w:tr>"
        + "".join(_cell(h, w, bold=True, center=True) for h, w in zip(head, _WIDTHS, strict=True))
        + "</w:tr>"
    ]
    for r in text.annex:
        rows.append(
            "<w:tr>"
            + _cell(str(r.stt), _WIDTHS[0], center=True)
            + _cell(r.name, _WIDTHS[1])
            + _cell(r.position, _WIDTHS[2])
            + _cell(r.award, _WIDTHS[3])
            + _cell(r.amount, _WIDTHS[4], right=True)
            + "</w:tr>"
        )
    rows.append(
        "<w:tr>"
        + _cell("", _WIDTHS[0])
        + _cell("Tổng cộng", _WIDTHS[1], bold=True)
        + _cell("", _WIDTHS[2])
        + _cell("", _WIDTHS[3])
        + _cell(text.total, _WIDTHS[4], bold=True, right=True)
        + "</w:tr>"
    )
    borders = "".join(
        f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders>'
        "</w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in _WIDTHS)
        + "</w:tblGrid>"
        + "".join(rows)
        + "</w:tbl>"
    )


# --- PDF -------------------------------------------------------------------------------------


def safe_fetcher() -> object:
    """A WeasyPrint URL fetcher for ``data:`` URIs only (an edited certificate may
    embed an emblem as base64): an edited template must not make the server read
    local files (``file:``) or call other hosts (``http:``); those are skipped
    with a warning and the page renders without them."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def render_html(text: DecisionText) -> str:
    return render_to_string("decisions/document.html", {"t": text})


def render_pdf(text: DecisionText) -> bytes:
    """The same content as the DOCX, typeset by WeasyPrint (A4, Decree 30 margins)."""
    from weasyprint import HTML

    return HTML(string=render_html(text), url_fetcher=safe_fetcher()).write_pdf()


KIND_LABELS = dict(RecipientKind.choices)
