"""The decision's DOCX and PDF and the certificates, read back as a user would read them."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import docx
import pytest
from docx.shared import Pt

from thidua.decisions import certificates, documents, selectors, services
from thidua.directory import services as directory

MARCH = dt.date(2025, 3, 15)


def pdf_text(data: bytes) -> str:
    """The PDF's words (pdftotext), white space and line breaks collapsed; pages split by form feeds."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S607
    return re.sub(r"[ \t\n]+", " ", out.stdout.decode("utf-8"))


@pytest.fixture
def issued(tree, people, province_officer, leader):
    decision = services.decision_create(
        actor=province_officer,
        issuer=tree["TINH"],
        decision_date=MARCH,
        signer_name="Hoàng Văn Sơn",
        signer_authority="KT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        budget_source="Quỹ thi đua, khen thưởng của tỉnh",
        recipients=[
            services.RecipientInput(award_type="CSTD_TINH", year=2024, person=people["lan"]),
            services.RecipientInput(award_type="CSTD_TINH", year=2024, person=people["hoa"]),
        ],
    )
    services.decision_sign(actor=leader, decision=decision)
    return services.decision_issue(actor=leader, decision=decision)


def test_docx_follows_decree_30(issued):
    doc = docx.Document(io.BytesIO(documents.render_docx(documents.build_text(issued))))
    section = doc.sections[0]
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(s.mm) for s in sizes] == [210, 297, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size == Pt(14)
    header = doc.tables[0]
    assert [c.text for c in header.rows[0].cells] == [
        "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM\n",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n",
    ]
    assert header.rows[1].cells[0].text == "Số: 1/QĐ-UBND"
    place = header.rows[1].cells[1].paragraphs[0].runs[0]
    assert (place.text, place.italic) == ("Thử Nghiệm, ngày 15 tháng 3 năm 2025", True)
    assert 'w:val="nil"' in header._tbl.xml  # borderless header
    paras = [p for p in doc.paragraphs if p.text]
    texts = [p.text for p in paras]
    assert texts[:3] == [
        "QUYẾT ĐỊNH",
        "Về việc công nhận danh hiệu Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    ]
    assert all(r.bold for p in paras[:3] for r in p.runs)
    bases = [p for p in paras if p.text.startswith(("Căn cứ", "Xét", "Theo đề nghị"))]
    assert [p.text[-1] for p in bases] == [";", ";", "."]
    assert all(p.runs[0].italic for p in bases)
    assert "QUYẾT ĐỊNH:" in texts
    body = "\n".join(texts)
    assert (
        "Điều 1. Công nhận danh hiệu Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024 cho 02 cá nhân "
        "đã có thành tích xuất sắc trong thực hiện nhiệm vụ:" in body
    )
    assert "1. Nguyễn Thị Lan, Giáo viên, Trường Tiểu học Xã Một;" in body
    assert "2. Trần Thị Hoa, Hiệu phó, Trường Tiểu học Xã Hai." in body
    assert (
        "Điều 2. Kèm theo Chiến sĩ thi đua bộ, ban, ngành, tỉnh, mỗi cá nhân được thưởng 7.020.000 đồng "
        "(số lượng: 02 cá nhân)." in body
    )
    assert "Tổng số tiền thưởng: 14.040.000 đồng." in body
    assert "Nguồn kinh phí: Quỹ thi đua, khen thưởng của tỉnh." in body
    assert re.search(r"Điều 3\. Quyết định này có hiệu lực kể từ ngày ký\..*/\.$", body, re.M)
    foot = doc.tables[1].rows[0].cells
    assert foot[0].text.split("\n") == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT."]
    assert foot[0].paragraphs[1].runs[0].font.size == Pt(11)
    assert [t for t in foot[1].text.split("\n") if t] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Sơn"]
    assert len(doc.tables) == 2  # two recipients: no annex


def test_long_decision_has_an_annex_table(tree, province_officer):
    people = [
        directory.person_create(actor=None, full_name=f"Phạm Văn {n}", gender="male", unit=tree["TH1"])
        for n in ("An", "Bảo", "Cường", "Dũng", "Đức", "Giang", "Hải", "Khánh", "Long", "Minh", "Nam", "Phúc")
    ]
    decision = services.decision_create(
        actor=province_officer,
        issuer=tree["XA1"],
        decision_date=dt.date(2025, 3, 10),
        recipients=[services.RecipientInput(award_type="GK", year=2024, person=p) for p in people],
    )
    doc = docx.Document(io.BytesIO(documents.render_docx(documents.build_text(decision))))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Số:       /QĐ-UBND" in doc.tables[0].rows[1].cells[0].text  # a draft has no number yet
    assert (
        "Tặng Giấy khen năm 2024 cho 12 cá nhân đã có thành tích xuất sắc trong thực hiện nhiệm vụ (có danh sách kèm theo)."
        in body
    )
    assert "DANH SÁCH KÈM THEO" in body
    annex = doc.tables[2]
    assert [c.text for c in annex.rows[0].cells] == [
        "STT",
        "Họ và tên / Tập thể",
        "Chức vụ, đơn vị",
        "Hình thức",
        "Số tiền (đồng)",
    ]
    assert [c.text for c in annex.rows[1].cells] == [
        "1",
        "Phạm Văn An",
        "Trường Tiểu học Xã Một",
        "Giấy khen",
        "360.000",
    ]
    assert [c.text for c in annex.rows[-1].cells] == ["", "Tổng cộng", "", "", "4.320.000"]
    assert len(annex.rows) == 14


def test_pdf_says_the_same(issued):
    text = pdf_text(documents.render_pdf(documents.build_text(issued)))
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 1/QĐ-UBND",
        "Thử Nghiệm, ngày 15 tháng 3 năm 2025",
        "Về việc công nhận danh hiệu Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024",
        "1. Nguyễn Thị Lan, Giáo viên, Trường Tiểu học Xã Một;",
        "mỗi cá nhân được thưởng 7.020.000 đồng",
        "Tổng số tiền thưởng: 14.040.000 đồng.",
        "Hoàng Văn Sơn",
    ):
        assert expected in text, expected


def test_certificates_pdf_one_page_each_with_number_and_qr(issued, settings):
    settings.THIDUA_PUBLIC_URL = "https://thidua.example.vn"
    lines = certificates.lines_of(issued)
    html = certificates.render_html(issued, lines)
    assert html.count("<svg") == 2
    assert (
        f"https://thidua.example.vn/xac-minh/{lines[0].certificate_code}"
        == certificates.context_for(issued, lines[0])["verify_url"]
    )
    pdf = certificates.render_pdf(issued, lines)
    text = pdf_text(pdf)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "GIẤY CHỨNG NHẬN" in pages[0] and "Nguyễn Thị Lan" in pages[0] and "Số: 1.001/QĐ-UBND" in pages[0]
    assert "Trần Thị Hoa" in pages[1] and "Số: 1.002/QĐ-UBND" in pages[1]
    assert "CHIẾN SĨ THI ĐUA BỘ, BAN, NGÀNH, TỈNH" in pages[0]


def test_certificates_task_stores_one_pdf(issued, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_request(actor=leader, decision=issued)
    issued.refresh_from_db()
    assert issued.certificates_state == "ready"
    with issued.certificates_file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF") and "Trần Thị Hoa" in pdf_text(data)


def test_an_edited_template_is_used_and_a_broken_one_refused(issued, province_officer, viewer):
    award = selectors.lines(issued)[0].award_type
    with pytest.raises(services.PermissionDenied):
        services.certificate_template_save(actor=viewer, award_type=award, html="<p>{{ name }}</p>")
    with pytest.raises(services.DomainError) as info:
        services.certificate_template_save(actor=province_officer, award_type=award, html="<p>{% if %}</p>")
    assert info.value.message.startswith("Mẫu có lỗi cú pháp:")
    services.certificate_template_save(
        actor=province_officer,
        award_type=award,
        html="<section>Chứng nhận {{ name }} — số {{ certificate_number }}</section>",
    )
    text = pdf_text(certificates.render_pdf(issued, certificates.lines_of(issued)))
    assert "Chứng nhận Nguyễn Thị Lan — số 1.001/QĐ-UBND" in text


def test_an_edited_template_cannot_read_server_files(issued, province_officer, tmp_path):
    secret = tmp_path / "bi-mat.css"
    secret.write_text("section { color: red } section::after { content: 'BÍ MẬT MÁY CHỦ' }")
    award = selectors.lines(issued)[0].award_type
    services.certificate_template_save(
        actor=province_officer,
        award_type=award,
        html=(
            f'<link rel="stylesheet" href="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
            '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E">'
            "<section>Chứng nhận {{ name }}</section>"
        ),
    )
    text = pdf_text(certificates.render_pdf(issued, certificates.lines_of(issued)))
    assert "Chứng nhận Nguyễn Thị Lan" in text
    assert "BÍ MẬT MÁY CHỦ" not in text
