"""The decision pages and the public verification page, through the test client."""

from __future__ import annotations

import datetime as dt
import io
import re
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from thidua.awards.models import AwardRecord
from thidua.decisions import services
from thidua.decisions.models import Decision, DecisionRecipient

MARCH = dt.date(2025, 3, 15)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def waiting(nominate, people):
    dossier = nominate.dossier()
    return [nominate.candidate(dossier, people["lan"]), nominate.candidate(dossier, people["mai"])]


def test_draft_page_shows_the_exact_selection_then_drafts_it(waiting, tree, province_officer):
    c = login(province_officer)
    page = c.get("/quyet-dinh/du-thao/", {"issuer": tree["TINH"].pk}).content.decode()
    assert "Sẽ đưa vào dự thảo: <strong>2</strong> người, tập thể" in page
    assert "Nguyễn Thị Lan" in page and "Lê Thị Mai" in page
    response = c.post(
        "/quyet-dinh/du-thao/",
        {"issuer": tree["TINH"].pk, "candidate": [waiting[0].pk], "h-decision_date": "2025-03-15"},
    )
    decision = Decision.objects.get()
    assert response.status_code == 302 and response.url == f"/quyet-dinh/{decision.pk}/"
    assert [ln.name for ln in decision.recipients.all()] == ["Nguyễn Thị Lan"]
    detail = c.get(response.url).content.decode()
    assert (
        '<span id="recipient-count">1</span> người, tập thể — tổng tiền thưởng <span id="total">7.020.000</span> đồng'
        in detail
    )


def test_sign_and_issue_through_confirmation_pages(waiting, tree, province_officer, leader):
    decision = services.decision_draft_from_candidates(
        actor=province_officer,
        issuer=tree["TINH"],
        candidate_ids=[c.pk for c in waiting],
        decision_date=MARCH,
    )
    c = login(leader)
    page = c.get(f"/quyet-dinh/{decision.pk}/ky/").content.decode()
    assert (
        'id="confirm-count">2</strong>; tổng tiền thưởng: <strong id="confirm-total">14.040.000</strong> đồng'
        in page
    )
    c.post(f"/quyet-dinh/{decision.pk}/ky/", {"version": 1})
    c.post(f"/quyet-dinh/{decision.pk}/ban-hanh/", {})
    again = c.post(f"/quyet-dinh/{decision.pk}/ban-hanh/", {}, follow=True).content.decode()  # double submit
    assert "Quyết định đã được ban hành với số 1/QĐ-UBND ngày 15/03/2025; không ban hành lại." in again
    assert AwardRecord.objects.filter(decision_number="1/QĐ-UBND").count() == 2
    # the officer who drafted cannot sign: no button, and the POST is refused
    officer = login(province_officer)
    assert 'id="sign"' not in officer.get(f"/quyet-dinh/{decision.pk}/").content.decode()


def test_unit_officer_cannot_sign(waiting, tree, province_officer, commune1_officer):
    decision = services.decision_draft_from_candidates(
        actor=province_officer, issuer=tree["TINH"], candidate_ids=[waiting[0].pk], decision_date=MARCH
    )
    c = login(commune1_officer)
    page = c.post(f"/quyet-dinh/{decision.pk}/ky/", {}, follow=True).content.decode()
    assert "Bạn không có quyền thực hiện thao tác này." in page
    assert Decision.objects.get().state == "draft"
    assert c.get("/quyet-dinh/du-thao/").status_code == 403


def test_verification_page_valid_then_revoked(waiting, tree, province_officer, leader):
    decision = services.decision_draft_from_candidates(
        actor=province_officer, issuer=tree["TINH"], candidate_ids=[waiting[0].pk], decision_date=MARCH
    )
    services.decision_sign(actor=leader, decision=decision)
    services.decision_issue(actor=leader, decision=decision)
    line = DecisionRecipient.objects.get()
    public = Client()
    page = public.get(f"/xac-minh/{line.certificate_code}").content.decode()
    assert "CÒN HIỆU LỰC." in page
    assert "Nguyễn Thị Lan" in page
    assert "Số 1/QĐ-UBND ngày 15/03/2025 của ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in page
    c = login(province_officer)
    c.post(
        f"/quyet-dinh/{decision.pk}/huy-bo/",
        {
            "line": [line.pk],
            "reason": "Kê khai không trung thực",
            "decision_number": "45/QĐ-UBND",
            "decision_date": "2025-06-01",
            "issuer_name": "Ủy ban nhân dân Tỉnh Thử Nghiệm",
        },
    )
    page = public.get(f"/xac-minh/{line.certificate_code}").content.decode()
    assert "ĐÃ BỊ HỦY BỎ." in page
    assert "theo Quyết định số 45/QĐ-UBND ngày 01/06/2025 của Ủy ban nhân dân Tỉnh Thử Nghiệm" in page
    recovery = c.get("/quyet-dinh/thu-hoi-tien-thuong/").content.decode()
    assert 'id="recovery-total">7.020.000<' in recovery
    xlsx = c.get("/quyet-dinh/thu-hoi-tien-thuong/", {"format": "xlsx"}).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()
    assert rows[2][1] == "Nguyễn Thị Lan" and rows[2][9] == 7_020_000 and rows[3][1] == "Tổng cộng"


def test_unknown_codes_get_one_constant_404(db):
    public = Client()
    pages = [public.get(f"/xac-minh/{code}") for code in ("abc", "A" * 24, "1", "x" * 200)]
    assert {p.status_code for p in pages} == {404}
    # identical apart from the per-response CSRF mask: nothing tells which codes are near misses
    assert len({re.sub(rb'"X-CSRFToken": "[^"]+"', b"", p.content) for p in pages}) == 1
    assert "Mã xác minh này không có trong hệ thống." in pages[0].content.decode()


def test_list_query_count_does_not_grow(tree, people, province_officer):
    c = login(province_officer)

    years = count(2015)

    def make(n):
        for _ in range(n):
            services.decision_create(
                actor=province_officer,
                issuer=tree["TINH"],
                decision_date=MARCH,
                recipients=[
                    services.RecipientInput(award_type="BK_TINH", year=next(years), person=people["lan"])
                ],
            )

    make(1)
    with CaptureQueriesContext(connection) as one:
        assert c.get("/quyet-dinh/").status_code == 200
    make(2)
    with CaptureQueriesContext(connection) as three:
        page = c.get("/quyet-dinh/").content.decode()
    assert page.count("(chưa vào sổ)") == 3
    assert len(three) == len(one)


def test_template_editor_previews_and_saves(province_officer, viewer):
    assert login(viewer).get("/quyet-dinh/mau-giay-chung-nhan/GK/").status_code == 403
    c = login(province_officer)
    page = c.get("/quyet-dinh/mau-giay-chung-nhan/GK/").content.decode()
    assert "Đang dùng mẫu mặc định" in page and "GIẤY KHEN" in page and "Trần Thị Bình" in page
    c.post(
        "/quyet-dinh/mau-giay-chung-nhan/GK/", {"html": "<p>Khen {{ name }}</p>", "css": "", "action": "save"}
    )
    page = c.get("/quyet-dinh/mau-giay-chung-nhan/GK/").content.decode()
    assert "Đang dùng mẫu mặc định" not in page and "Khen Trần Thị Bình" in page


def test_document_downloads(waiting, tree, province_officer, viewer):
    decision = services.decision_draft_from_candidates(
        actor=province_officer, issuer=tree["TINH"], candidate_ids=[waiting[0].pk], decision_date=MARCH
    )
    c = login(province_officer)
    docx = c.get(f"/quyet-dinh/{decision.pk}/quyet-dinh.docx")
    assert docx["Content-Disposition"] == f'attachment; filename="du-thao-QD-{decision.pk}.docx"'
    assert docx.content[:2] == b"PK"
    assert c.get(f"/quyet-dinh/{decision.pk}/quyet-dinh.pdf").content[:4] == b"%PDF"
    # viewer of Xã Hai sees neither the province's decision nor its files
    assert login(viewer).get(f"/quyet-dinh/{decision.pk}/quyet-dinh.docx").status_code == 404


def test_manual_draft_page(tree, people, province_officer):
    c = login(province_officer)
    params = {"issuer": tree["XA1"].pk, "award_type": "GK", "year": 2024, "unit": tree["TH1"].pk}
    page = c.get("/quyet-dinh/nhap-danh-sach/", params).content.decode()
    assert "Nguyễn Thị Lan" in page and "Trường Tiểu học Xã Một" in page
    empty = c.post("/quyet-dinh/nhap-danh-sach/", params).content.decode()
    assert "Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng." in empty
    assert Decision.objects.count() == 0
    r = c.post(
        "/quyet-dinh/nhap-danh-sach/",
        {
            **params,
            "person": [people["lan"].pk],
            "collective": [tree["TH1"].pk],
            "h-decision_date": "2025-03-10",
        },
    )
    decision = Decision.objects.get()
    assert r.url == f"/quyet-dinh/{decision.pk}/"
    assert [(ln.name, ln.prize_amount) for ln in decision.recipients.all()] == [
        ("Nguyễn Thị Lan", 360_000),
        ("Trường Tiểu học Xã Một", 710_000),
    ]


def test_work_queue_sections(waiting, tree, province_officer, leader, commune_leader):
    from thidua.decisions.selectors import queue_sections

    [to_draft] = queue_sections(province_officer)
    assert [i.label for i in to_draft.items] == [
        "Tỉnh Thử Nghiệm: 2 người, tập thể đã được Hội đồng thông qua"
    ]
    decision = services.decision_draft_from_candidates(
        actor=province_officer,
        issuer=tree["TINH"],
        candidate_ids=[c.pk for c in waiting],
        decision_date=MARCH,
    )
    assert queue_sections(province_officer)[0].items == []
    [to_sign] = queue_sections(leader)
    assert [(i.label, i.url) for i in to_sign.items] == [
        (
            "Về việc công nhận danh hiệu Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024",
            f"/quyet-dinh/{decision.pk}/",
        )
    ]
    assert queue_sections(commune_leader)[0].items == []  # another body's leader sees nothing
