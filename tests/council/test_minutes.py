"""The minutes (biên bản họp) read back: DOCX with python-docx in the Decree 30/2020
layout, PDF with pdftotext — the same Vietnamese text and the same figures."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.test import Client
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.conftest import Api
from tests.council.conftest import vote_all
from thidua.council import services

DAY = dt.date(2024, 12, 10)


@pytest.fixture
def closed(world):
    """15 members, 13 present, 11 for and 2 against online, 1 written opinion for:
    12/15 = 80 % of all members — the CSTĐ cơ sở threshold — passes."""
    session, ballot, seats = world.ready("CSTD_CS", DAY, 15, present=13)
    services.attendance_set(
        actor=world.officer,
        session=session,
        present=[m.pk for m in seats[:13]],
        notes={seats[13].pk: "Đi công tác"},
    )
    vote_all(session, ballot, seats, 11, 2)
    services.written_opinions_set(actor=world.officer, ballot=ballot, votes_for=1, votes_against=0)
    services.ballot_close(actor=world.officer, ballot=ballot)
    ballot.refresh_from_db()
    return session, ballot, seats


PT = 72 / 25.4  # points per millimetre (pdftotext works at 72 dpi)


def _pdf_text(data: bytes, box_mm: tuple[float, float, float, float] | None = None) -> str:
    """The PDF's words as pdftotext reads them (first page only when ``box_mm`` —
    x, y, width, height in mm from the top left — crops it), white space collapsed."""
    crop: list[str] = []
    if box_mm:
        x, y, w, h = (str(round(v * PT)) for v in box_mm)
        crop = ["-f", "1", "-l", "1", "-x", x, "-y", y, "-W", w, "-H", h]
    out = subprocess.run(  # noqa: S603 - fixed arguments, our own PDF on stdin
        ["pdftotext", *crop, "-", "-"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
    )
    return re.sub(r"\s+", " ", out.stdout.decode()).strip()


def _table_columns(data: bytes) -> list[str]:
    """The result table read column by column from the words' positions (pdftotext
    -bbox): what a reader sees under each heading, whatever wraps inside a cell."""
    from html import unescape

    from thidua.council.minutes import COLUMNS_MM, MARGINS_MM

    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S607
    pages = out.stdout.decode().split("<page ")[1:]
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
    for page in pages:
        words = [(float(x0), float(y0), float(x1), unescape(w)) for x0, y0, x1, w in word.findall(page)]
        heading = next((y for x, y, _x1, w in words if w == "II."), None)
        if heading is None:
            continue
        top = heading + 5  # below the heading "II. KẾT QUẢ BIỂU QUYẾT"
        left = MARGINS_MM["left"] * PT
        # the table ends where the first note starts at the left margin
        bottom = min(
            (y for x, y, _x1, w in words if y > top and abs(x - left) < 3 and w != "STT" and not w.isdigit()),
            default=1e9,
        )
        edges = [left]
        for width in COLUMNS_MM:
            edges.append(edges[-1] + width * PT)
        columns: list[list[tuple[float, float, str]]] = [[] for _ in COLUMNS_MM]
        for x0, y0, x1, w in words:
            if top <= y0 < bottom:
                middle = (x0 + x1) / 2
                i = next(
                    i for i in range(len(COLUMNS_MM)) if middle < edges[i + 1] or i == len(COLUMNS_MM) - 1
                )
                columns[i].append((round(y0), x0, w))
        return [" ".join(w for _y, _x, w in sorted(col)) for col in columns]
    raise AssertionError("Không thấy bảng kết quả trong PDF")


def _mm(*lengths) -> tuple[float, ...]:
    """Lengths in millimetres to 0.1 mm (DOCX stores twentieths of a point)."""
    return tuple(round(x.mm, 1) for x in lengths)


def _header_cells(doc) -> list[str]:
    return [c.text for row in doc.tables[0].rows for c in row.cells]


def test_docx_minutes_follow_the_decree_30_layout(world, closed):
    session, ballot, seats = closed
    response = Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/minutes.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))

    section = doc.sections[0]
    assert _mm(section.page_width, section.page_height) == (210, 297)  # A4
    assert _mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert _mm(section.left_margin, section.right_margin) == (30, 15)
    normal = doc.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))

    left, right, number, place_date = _header_cells(doc)
    assert left == "UBND TỈNH THỬ NGHIỆM\nHỘI ĐỒNG\nTHI ĐUA - KHEN THƯỞNG\n"
    assert right == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    assert number.startswith("Số:") and number.endswith("/BB-HĐTĐKT")
    assert place_date == "Thử Nghiệm, ngày 10 tháng 12 năm 2024"
    header = doc.tables[0]
    cell = header.cell(0, 0)
    assert [r.bold for r in cell.paragraphs[1].runs] == [True, True]  # the issuing body, bold
    assert not cell.paragraphs[0].runs[0].bold  # the governing body, upright
    assert header.cell(1, 1).paragraphs[0].runs[0].italic  # place and date in italics
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}  # two columns without borders
    # the short rules under the issuing body and under the motto
    assert cell.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None
    assert header.cell(0, 1).paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None

    paras = [p for p in doc.paragraphs if p.text]
    titles = [p.text for p in paras[:3]]
    assert titles == ["BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng", "Phiên họp xét khen thưởng"]
    assert all(p.runs[0].bold and p.alignment == 1 for p in paras[:3])  # bold, centred
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Thời gian: ngày 10/12/2024." in text
    assert "Địa điểm: Hội trường UBND tỉnh." in text
    assert f"Chủ trì (chủ tọa): {seats[0].full_name}." in text
    assert "Tổng số thành viên Hội đồng có quyền biểu quyết: 15; có mặt: 13; vắng mặt: 2." in text
    assert f"- {seats[13].full_name}, Ủy viên (Đi công tác)" in text
    assert "Số phiếu đã gồm ý kiến bằng văn bản của thành viên vắng mặt do Thư ký tổng hợp." in text

    result = doc.tables[1]
    assert [c.text for c in result.rows[0].cells][:3] == ["STT", "Cá nhân, tập thể", "Hình thức khen thưởng"]
    assert [c.text for c in result.rows[1].cells] == [
        "1",
        str(ballot.candidate.recipient),
        "Chiến sĩ thi đua cơ sở",
        "12",
        "2",
        "0",
        "12/15 (80 %)",
        "từ 80 % trở lên tổng số thành viên Hội đồng",
        "Thông qua",
    ]
    sign = doc.tables[2]
    secretary, chair = (c.text.split("\n") for c in sign.rows[0].cells)
    assert (secretary[0], secretary[-1]) == ("THƯ KÝ", seats[14].full_name)  # left
    assert (chair[0], chair[-1]) == ("CHỦ TỌA", seats[0].full_name)  # right
    assert "Nơi nhận:" in text and "- Lưu: VT, HĐTĐKT." in text


def test_pdf_minutes_say_the_same_through_the_api_and_the_page(world, closed):
    session, ballot, seats = closed
    response = Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/minutes.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # the two header columns, each read inside its own box (30 mm left margin, 68 + 97 mm columns)
    left = _pdf_text(response.content, (29, 15, 69, 40))
    right = _pdf_text(response.content, (98, 15, 98, 40))
    assert left.startswith("UBND TỈNH THỬ NGHIỆM HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG Số:")
    assert (
        right
        == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Thử Nghiệm, ngày 10 tháng 12 năm 2024"
    )
    text = _pdf_text(response.content)
    for words in (
        "BIÊN BẢN",
        "Họp Hội đồng Thi đua - Khen thưởng",
        "Tổng số thành viên Hội đồng có quyền biểu quyết: 15; có mặt: 13; vắng mặt: 2.",
        "12/15 (80 %)",
        "Hình thức biểu quyết: bỏ phiếu kín.",
        "Ngưỡng “từ 80 % trở lên tổng số thành viên Hội đồng” áp dụng theo quy định khen thưởng: "
        "NĐ 98/2023 Điều 30(7) (độ tin cậy: đã đối chiếu văn bản).",
        "THƯ KÝ",
        "CHỦ TỌA",
        seats[14].full_name,
        seats[0].full_name,
    ):
        assert words in text, words
    columns = _table_columns(response.content)
    assert columns[6] == "Tỷ lệ đồng ý 12/15 (80 %)"
    assert columns[3:6] == ["Đồng ý 12", "Không đồng ý 2", "Không biểu quyết 0"]
    assert columns[7] == "Ngưỡng thông qua từ 80 % trở lên tổng số thành viên Hội đồng"
    assert columns[8] == "Kết quả Thông qua"
    assert columns[1] == f"Cá nhân, tập thể {ballot.candidate.recipient}"

    client = Client()
    client.force_login(world.officer)
    page = client.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert f'href="/hoi-dong/phien/{session.pk}/bien-ban.pdf"' in page
    assert "Biên bản (PDF)" in page
    pdf = client.get(f"/hoi-dong/phien/{session.pk}/bien-ban.pdf")
    assert (
        pdf["Content-Type"] == "application/pdf"
        and _table_columns(pdf.content)[6] == "Tỷ lệ đồng ý 12/15 (80 %)"
    )


def test_open_ballot_shows_no_figures_in_the_pdf(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    vote_all(session, ballot, seats, 2, 1)
    text = _pdf_text(Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/minutes.pdf").content)
    columns = _table_columns(
        Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/minutes.pdf").content
    )
    assert columns[3:7] == ["Đồng ý", "Không đồng ý", "Không biểu quyết", "Tỷ lệ đồng ý"]  # no figures
    assert columns[8] == "Kết quả Chưa kết thúc biểu quyết"
    assert "2/3" not in text and "Thông qua" not in text


def test_members_cannot_download_the_pdf(world, closed):
    session, _ballot, seats = closed
    assert Api(seats[1].user).get(f"/api/v1/council-sessions/{session.pk}/minutes.pdf").status_code == 404
    client = Client()
    client.force_login(seats[1].user)
    assert client.get(f"/hoi-dong/phien/{session.pk}/bien-ban.pdf").status_code == 404


def test_docx_names_the_ballots_voted_by_show_of_hands(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    [secret] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    [hands] = services.agenda_add_dossier(actor=world.officer, session=session, dossier=world.dossier("GK"))
    # a third candidate stays pending: no way of voting chosen for it yet
    services.agenda_add_dossier(actor=world.officer, session=session, dossier=world.dossier("GK"))
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats])
    services.ballot_open(actor=world.officer, ballot=secret)
    services.ballot_open(actor=world.officer, ballot=hands, mode="open")
    vote_all(session, secret, seats, 3, 0)
    services.ballots_close(actor=world.officer, session=session, hands={hands.pk: services.HandCount(2, 1)})
    doc = Document(
        io.BytesIO(Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/minutes.docx").content)
    )
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Hình thức biểu quyết: bỏ phiếu kín, trừ các trường hợp số 2: biểu quyết giơ tay." in text
    rows = [[c.text for c in row.cells] for row in doc.tables[1].rows[1:]]
    assert [r[3:7] + r[8:] for r in rows] == [
        ["3", "0", "0", "3/3 (100 %)", "Thông qua"],
        ["2", "1", "0", "2/3 (66,7 %)", "Thông qua"],  # the council's default: more than half present
        ["", "", "", "", "Chưa kết thúc biểu quyết"],
    ]
