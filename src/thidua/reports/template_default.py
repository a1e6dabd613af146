"""Builds the default annual-summary template (``data/annual.docx``).

The template is a docxtpl (Jinja-in-Word) file an organisation can open in
Word, restyle and upload as its own; this module is only how the shipped
default was made, kept so the default can be regenerated reviewably:

    .venv/bin/python -m thidua.reports.template_default

Layout of Decree 30/2020/NĐ-CP, Appendix I: a borderless two-column header
(issuing body over its number; national motto over place and date), the
document kind and subject centred, the body, then "Nơi nhận" on the left and
the signature block on the right. Times New Roman 13–14 pt, margins
20–25 mm top/bottom, 30–35 mm left, 15–20 mm right.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

DEFAULT_PATH = Path(__file__).parent / "data" / "annual.docx"


def _p(container, text: str = "", *, bold=False, italic=False, size=14, align=None, space_after=6):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _cell_p(cell, text: str, *, bold=False, italic=False, size=13, first=False):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    return p


def _loop(doc, var: str, items: str) -> None:
    """``{%p for var in items %}`` / ``{{ var }}`` / ``{%p endfor %}``: one justified paragraph per item."""
    _p(doc, f"{{%p for {var} in {items} %}}")
    body = _p(doc, f"{{{{ {var} }}}}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    body.paragraph_format.first_line_indent = Mm(10)
    _p(doc, "{%p endfor %}")


def build(path: Path = DEFAULT_PATH) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    _cell_p(left, "{{ parent_body }}", first=True)
    _cell_p(left, "{{ issuer }}", bold=True)
    _cell_p(left, "Số: {{ number }}")
    _cell_p(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, first=True)
    _cell_p(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    _cell_p(right, "{{ place_date }}", italic=True, size=14)

    _p(doc, "")
    _p(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _p(doc, "{{ subject }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "{{ period_line }}", italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "{% if is_empty %}{{ no_data }}.{% endif %}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    _p(doc, "I. TÌNH HÌNH CHUNG", bold=True)
    _loop(doc, "s", "situation")
    _p(doc, "II. CÁC PHONG TRÀO THI ĐUA VÀ KẾT QUẢ", bold=True)
    _loop(doc, "s", "movements")
    _loop(doc, "s", "groups")
    _p(doc, "{%p if group_rows %}")
    _p(doc, "Bảng 1. Kết quả chấm điểm, xếp hạng khối, cụm thi đua", italic=True, size=13)
    ranks = doc.add_table(rows=4, cols=6)
    ranks.style = "Table Grid"
    heads = ["Khối, cụm thi đua", "Hạng", "Đơn vị", "Điểm", "Đề nghị", "Được tặng"]
    for cell, text in zip(ranks.rows[0].cells, heads, strict=True):
        _cell_p(cell, text, bold=True, size=12, first=True)
    ranks.rows[1].cells[0].paragraphs[0].add_run("{%tr for g in group_rows %}")
    cells = ["{{ g.group }} năm {{ g.year }}", "{{ g.rank }}/{{ g.ranked }}", "{{ g.unit }}", "{{ g.score }}",
             "{{ g.proposed }}", "{{ g.awarded }}"]  # fmt: skip
    for cell, text in zip(ranks.rows[2].cells, cells, strict=True):
        _cell_p(cell, text, size=12, first=True)
    ranks.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "III. CÔNG TÁC KHEN THƯỞNG", bold=True)
    _loop(doc, "s", "commendation")
    _p(doc, "Bảng 2. Kết quả khen thưởng theo hình thức và cấp quyết định", italic=True, size=13)
    table = doc.add_table(rows=5, cols=7)
    table.style = "Table Grid"
    heads = ["STT", "Hình thức khen thưởng", "Cấp quyết định", "Tập thể", "Cá nhân", "Hộ gia đình", "Tổng"]
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _cell_p(cell, text, bold=True, size=12, first=True)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for a in award_rows %}")
    cells = ["{{ a.stt }}", "{{ a.name }}", "{{ a.level }}", "{{ a.collective }}", "{{ a.individual }}",
             "{{ a.household }}", "{{ a.total }}"]  # fmt: skip
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        _cell_p(cell, text, size=12, first=True)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    totals = ["", "Tổng cộng", "", "{{ totals.collective }}", "{{ totals.individual }}",
              "{{ totals.household }}", "{{ totals.total }}"]  # fmt: skip
    for cell, text in zip(table.rows[4].cells, totals, strict=True):
        _cell_p(cell, text, bold=True, size=12, first=True)
    _p(doc, "")
    _p(doc, "{{ chart_years }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(
        doc,
        "Biểu đồ 1. Số lượt khen thưởng 5 năm gần nhất",
        italic=True,
        size=13,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _p(doc, "{{ chart_indicators }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "Biểu đồ 2. Kết quả thực hiện chỉ tiêu so với kế hoạch", italic=True, size=13,
       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _p(doc, "IV. CÁC CUỘC THI", bold=True)
    _loop(doc, "s", "contests")
    _p(doc, "V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True)
    _p(doc, "{{ blank_shortcomings }}", italic=True)
    _p(doc, "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ next_year }}", bold=True)
    _p(doc, "{{ blank_directions }}", italic=True)

    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    left.add_paragraph("{%p for r in recipients %}")
    q = left.add_paragraph()
    q.add_run("- {{ r }}").font.size = Pt(11)
    left.add_paragraph("{%p endfor %}")
    _cell_p(right, "{{ signer_org }}", bold=True, first=True)
    _cell_p(right, "{{ signer_title }}", bold=True)
    _cell_p(right, "")
    _cell_p(right, "")
    _cell_p(right, "{{ signer_name }}", bold=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
