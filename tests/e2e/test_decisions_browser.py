"""A decision in a real browser: the standing officer drafts it from the
council's approved candidates (seeing exactly who and how many), the leader
signs and issues it through the confirmation pages, and the certificate's
verification link (the QR code's URL) opens the public page with no login."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from thidua.accounts.enums import Role
from thidua.awards.models import AwardType
from thidua.awards.ruledata import load_rules
from thidua.directory import services
from thidua.nominations.models import Candidate, Dossier

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def data(transactional_db):
    load_rules()
    root = services.unit_create(actor=None, code="QD-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa1 = services.unit_create(actor=None, code="QD-XA1", name="Xã Một", kind="commune", parent=root)
    dossier = Dossier.objects.create(
        code="HS-E2E-1",
        title="Đề nghị khen thưởng",
        proposer_unit=xa1,
        deciding_unit=root,
        letter_number="15/TTr-UBND",
        letter_date=dt.date(2025, 2, 10),
        state="council_done",
    )
    for name in ("Nguyễn Văn Đức", "Lò Thị Hương"):
        person = services.person_create(
            actor=None, full_name=name, gender="male", unit=xa1, position="Công chức"
        )
        Candidate.objects.create(
            dossier=dossier,
            recipient_kind="individual",
            person=person,
            award_type=AwardType.objects.get(code="BK_TINH"),
            year=2024,
            state="approved",
        )
    make_user("thuongtruc", Role.STANDING_OFFICER, root)
    make_user("chutich", Role.APPROVER, root)
    return {"root": root}


def _login(browser, base_url: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def test_draft_sign_issue_and_verify(browser, live_server, data):
    base = live_server.url
    ctx, page = _login(browser, base, "thuongtruc")
    page.goto(f"{base}/quyet-dinh/du-thao/?issuer={data['root'].pk}")
    assert "Sẽ đưa vào dự thảo: 2 người, tập thể" in page.locator("#selection-count").inner_text()
    page.locator("summary").click()
    page.get_by_label("Ngày quyết định").fill("2025-03-15")
    page.get_by_label("Người ký", exact=True).fill("Hoàng Văn Sơn")
    page.locator("#make-draft").click()
    page.wait_for_url(f"{base}/quyet-dinh/*/")
    assert page.locator("#recipient-count").inner_text() == "2"
    assert page.locator("#total").inner_text() == "4.680.000"  # 2 × 1,0 × 2.340.000
    detail_url = page.url
    page.screenshot(path=f"{SHOTS}/thidua-decision-draft.png", full_page=True)
    ctx.close()

    ctx, page = _login(browser, base, "chutich")
    page.goto(f"{base}/quyet-dinh/")
    assert "Chờ lãnh đạo ký, ban hành (1)" in page.locator("#queue").inner_text()
    page.goto(detail_url)
    page.locator("#sign").click()
    assert page.locator("#confirm-count").inner_text() == "2"
    page.locator("#confirm").click()
    assert page.locator("#state").inner_text() == "Đã ký, chờ vào sổ"
    page.locator("#issue").click()
    page.locator("#confirm").click()
    assert page.locator("#state").inner_text() == "Đã ban hành"
    assert page.locator("h1").inner_text() == "Quyết định số 1/QĐ-UBND"
    verify_href = page.locator(".verify-link").first.get_attribute("href")
    page.screenshot(path=f"{SHOTS}/thidua-decision-issued.png", full_page=True)
    ctx.close()

    public = browser.new_context()
    page = public.new_page()
    page.goto(f"{base}{verify_href}")
    assert page.locator("#verify-status").inner_text().startswith("CÒN HIỆU LỰC.")
    assert (
        page.locator("#verify-decision").inner_text()
        == "Số 1/QĐ-UBND ngày 15/03/2025 của ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    )
    page.goto(f"{base}/xac-minh/khong-co-ma-nay-dau-ban-oi")
    assert "Không tìm thấy giấy chứng nhận" in page.locator("h1").inner_text()
    public.close()
