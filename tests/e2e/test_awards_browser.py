"""The eligibility check in a real browser: log in, open the page, paste one
line, submit, read the verdict. Screenshots of the catalogue and the result
at laptop width go to /tmp for a human to look at."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord, AwardType, Rating
from thidua.awards.ruledata import load_rules
from thidua.directory import services

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def awards_data(transactional_db):
    """A commune officer, and a person with LĐTT and HTXSNV in 2024 (eligible for CSTĐ cơ sở 2024).

    The rule data comes with a migration; a transactional test before this one
    may have flushed it, so it is loaded again (loading is idempotent)."""
    load_rules()
    root = services.unit_create(actor=None, code="E2E-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa1 = services.unit_create(actor=None, code="E2E-XA1", name="Xã Một", kind="commune", parent=root)
    duc = services.person_create(
        actor=None,
        full_name="Nguyễn Văn Đức",
        gender="male",
        birth_date=dt.date(1982, 8, 4),
        position="Chủ tịch UBND xã",
        unit=xa1,
    )
    AwardRecord.objects.create(
        award_type=AwardType.objects.get(code="LDTT"),
        recipient_kind="individual",
        person=duc,
        owner_unit=xa1,
        year=2024,
        decision_number="12/QĐ-UBND",
        decision_date=dt.date(2025, 1, 15),
    )
    Rating.objects.create(person=duc, owner_unit=xa1, year=2024, grade="HTXSNV")
    user = make_user("canboxa1", Role.UNIT_OFFICER, xa1)
    return {"user": user, "duc": duc}


def _login(page, base_url: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("canboxa1")
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_check_a_pasted_line_and_see_the_verdict(browser, live_server, awards_data):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="vi-VN")
    page = context.new_page()
    try:
        _login(page, live_server.url)
        page.goto(f"{live_server.url}/khen-thuong/danh-muc/CSTD_CS/")
        assert "≥ 80 % tổng số thành viên, bỏ phiếu kín" in page.locator("#versions").inner_text()
        page.screenshot(path=f"{SHOTS}/thidua-awards-catalogue.png", full_page=True)

        page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Khen thưởng", exact=True
        ).click()
        page.get_by_role("navigation", name="Khen thưởng").get_by_role("link", name="Xét điều kiện").click()
        page.wait_for_url(f"{live_server.url}/khen-thuong/xet-dieu-kien/")
        page.get_by_label("Danh sách").fill("Nguyễn Văn Đức; 04/08/1982; E2E-XA1; CSTD_CS; 2024")
        page.get_by_label("Ngày nhận hồ sơ").fill("01/02/2025")
        page.get_by_role("button", name="Xét điều kiện").click()
        row = page.locator("#check-table tbody tr").first
        row.wait_for(timeout=10_000)
        assert row.locator("td").first.inner_text().startswith("Nguyễn Văn Đức")
        assert "Đủ điều kiện ✓" in row.inner_text()
        page.screenshot(path=f"{SHOTS}/thidua-awards-eligibility.png", full_page=True)

        with page.expect_download() as info:
            page.get_by_role("button", name="Tải kết quả Excel").click()
        assert info.value.suggested_filename.startswith("ket-qua-xet-khen-thuong-")
    finally:
        context.close()
