"""Printable documents of movements: the pledge (giao ước thi đua) as DOCX,
and the movement's XLSX export."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from thidua.movements import rules, selectors
from thidua.movements.models import Movement, Pledge

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _centered(doc: Document, text: str, *, bold: bool = False, size: int = 13) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def pledge_docx(pledge: Pledge) -> bytes:
    """Title, the commitments, and a signature table with a row for EVERY member
    unit of the group that year — signed or not — so the printed copy is
    signed on paper where the system has no signature yet."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    _centered(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    _centered(doc, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _centered(doc, pledge.title.upper(), bold=True, size=14)
    _centered(doc, f"{pledge.group.name} — năm {pledge.year}")
    if pledge.movement_id:
        doc.add_paragraph(f"Thực hiện phong trào thi đua «{pledge.movement.name}».")
    doc.add_paragraph("Các đơn vị thành viên cùng thống nhất ký kết giao ước thi đua với các nội dung sau:")
    for i, item in enumerate(pledge.commitments, start=1):
        doc.add_paragraph(f"{i}. {item}")
    doc.add_paragraph("ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC").runs[0].bold = True
    signatures = {s.unit_id: s for s in pledge.signatures.all()}
    members = selectors.member_units(pledge)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("STT", "Đơn vị", "Người ký, chức vụ", "Thời điểm ký"), strict=True
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for i, unit in enumerate(members, start=1):
        sig = signatures.get(unit.pk)
        row = table.add_row().cells
        row[0].text = str(i)
        row[1].text = unit.name
        if sig:
            row[2].text = f"{sig.signer_name}" + (f", {sig.signer_title}" if sig.signer_title else "")
            row[3].text = f"{timezone.localtime(sig.signed_at):%H:%M %d/%m/%Y}"
        else:
            row[2].text = ""
            row[3].text = "(chưa ký)"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def movement_xlsx(movement: Movement, as_of: dt.date) -> bytes:
    """Indicators, key tasks and registrations of the movement as of a day."""
    prog = selectors.progress(movement, as_of)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    ws = book.add_worksheet("Chỉ tiêu")
    ws.write_row(0, 0, [f"{movement.name} — số liệu đến ngày {as_of:%d/%m/%Y}"], bold)
    ws.write_row(1, 0, [prog.indicators_text])
    header = [
        "Đơn vị",
        "Mã",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Kế hoạch",
        "Chiều",
        "Thực hiện",
        "Đến ngày",
        "Tỷ lệ",
        "Đạt",
        "Nguồn",
    ]
    ws.write_row(3, 0, header, bold)
    for r, s in enumerate(prog.indicators, start=4):
        i = s.indicator
        ws.write_row(
            r, 0, [i.unit.name, i.code, i.name, i.measure, float(i.plan_value), i.get_direction_display()]
        )
        if s.actual is not None:
            ws.write_number(r, 6, float(s.actual))
            ws.write_datetime(r, 7, dt.datetime.combine(s.as_of, dt.time()), date)
        ws.write(r, 8, rules.percent_text(s.share) if s.actual is not None else "")
        ws.write(r, 9, "Đạt" if s.met else "Chưa đạt")
        ws.write(r, 10, s.source)
    ws.set_column(0, 0, 28)
    ws.set_column(2, 2, 50)
    wt = book.add_worksheet("Nhiệm vụ")
    wt.write_row(0, 0, [prog.tasks_text], bold)
    wt.write_row(2, 0, ["STT", "Nhiệm vụ", "Đơn vị", "Chủ trì", "Thời hạn", "Trạng thái"], bold)
    labels = dict(selectors.TaskStatus.choices)
    for r, (task, status) in enumerate(prog.tasks, start=3):
        wt.write_row(r, 0, [r - 2, task.title, task.unit.name, task.owner])
        if task.deadline:
            wt.write_datetime(r, 4, dt.datetime.combine(task.deadline, dt.time()), date)
        wt.write(r, 5, labels[status])
    wt.set_column(1, 1, 60)
    wr = book.add_worksheet("Đăng ký")
    wr.write_row(0, 0, ["Năm", "Đơn vị", "Nội dung đăng ký", "Ngày đăng ký"], bold)
    for r, reg in enumerate(
        movement.registrations.select_related("unit").order_by("year", "unit__name"), start=1
    ):
        wr.write_row(r, 0, [reg.year, reg.unit.name, "; ".join(reg.targets)])
        wr.write(r, 3, f"{timezone.localtime(reg.registered_at):%d/%m/%Y}")
    wr.set_column(1, 2, 40)
    book.close()
    return out.getvalue()
