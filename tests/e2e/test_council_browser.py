"""A council session in a real browser: the standing body takes the attendance and
opens the ballot (htmx swaps the sections, no page load), three members vote
on a phone-sized screen through the confirmation step, the standing body
closes the ballot, the results page shows the figures and the minutes
download as PDF; the same session page without JavaScript still works."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from thidua.accounts.enums import Role
from thidua.awards.models import AwardType
from thidua.awards.ruledata import load_rules
from thidua.council import services as council
from thidua.directory import services
from thidua.nominations.models import Candidate, Dossier

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def session_data(transactional_db):
    load_rules()  # a transactional test before this one may have flushed the rule data
    root = services.unit_create(actor=None, code="E2E-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa1 = services.unit_create(actor=None, code="E2E-XA1", name="Xã Một", kind="commune", parent=root)
    officer = make_user("thuongtruc", Role.STANDING_OFFICER, root)
    body = council.council_create(actor=officer, unit=root, name="Hội đồng Thi đua - Khen thưởng tỉnh")
    seats = []
    for i, name in enumerate(["Trần Thị Lan", "Lê Văn Minh", "Phạm Quốc Huy"]):
        user = make_user(f"thanhvien{i}", Role.COUNCIL_MEMBER, root)
        seats.append(
            council.member_add(
                actor=officer,
                council=body,
                user=user,
                role="chair" if i == 0 else "member",
                active_from=dt.date(2024, 1, 1),
                full_name=name,
            )
        )
    session = council.session_create(
        actor=officer,
        council=body,
        title="Phiên họp xét CSTĐ cơ sở",
        date=dt.date(2024, 12, 10),
        chair=seats[0],
    )
    dossier = Dossier.objects.create(
        code="HS-E2E-1", title="Đề nghị CSTĐ cơ sở", proposer_unit=xa1, deciding_unit=root, state="appraised"
    )
    duc = services.person_create(actor=None, full_name="Nguyễn Văn Đức", gender="male", unit=xa1)
    Candidate.objects.create(
        dossier=dossier,
        recipient_kind="individual",
        person=duc,
        award_type=AwardType.objects.get(code="CSTD_CS"),
        year=2024,
        state="appraised",
        summary="Hoàn thành xuất sắc nhiệm vụ năm 2024",
    )
    [ballot] = council.agenda_add_dossier(actor=officer, session=session, dossier=dossier)
    return {"session": session, "ballot": ballot.pk}


def _login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_three_members_vote_and_the_result_appears_after_closing(browser, live_server, session_data):
    base = live_server.url
    sid = session_data["session"].pk
    officer = browser.new_context(viewport={"width": 1366, "height": 860}, locale="vi-VN")
    page = officer.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        _login(page, base, "thuongtruc")
        page.goto(f"{base}/hoi-dong/phien/{sid}/")
        assert "Có mặt 0/3 thành viên" in page.locator("#quorum").inner_text()
        page.evaluate("window.__same_page = true")  # gone if the browser loads a new page
        for name in ("Trần Thị Lan", "Lê Văn Minh", "Phạm Quốc Huy"):
            page.get_by_label(name).check()
        page.get_by_role("button", name="Lưu điểm danh").click()
        expect(page.locator("#attendance")).to_contain_text("Đã điểm danh: có mặt 3/3.")
        assert "Có mặt 3/3 thành viên" in page.locator("#quorum").inner_text()
        page.get_by_role("button", name="Mở biểu quyết").click()
        expect(page.locator("#agenda")).to_contain_text("Đã mở biểu quyết: Nguyễn Văn Đức.")
        assert "Đang bỏ phiếu" in page.locator("#agenda").inner_text()
        assert page.evaluate("window.__same_page === true")  # both swaps without a page load

        for i, choice in enumerate(["Đồng ý", "Đồng ý", "Không đồng ý"]):
            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True
            )
            member = phone.new_page()
            try:
                _login(member, base, f"thanhvien{i}")
                member.goto(f"{base}/hoi-dong/")
                member.get_by_role("link", name="Nguyễn Văn Đức").click()
                member.get_by_role("button", name=choice, exact=True).click()
                assert f"Bạn chọn: {choice}" in member.locator(".cn-picked").inner_text()
                if i == 0:
                    member.screenshot(path=f"{SHOTS}/thidua-council-confirm.png", full_page=True)
                member.get_by_role("button", name="Xác nhận bỏ phiếu").click()
                member.wait_for_load_state()
                assert "Đã ghi nhận phiếu của bạn về Nguyễn Văn Đức." in member.content()
                assert "Bạn đã bỏ phiếu." in member.content()
            finally:
                phone.close()

        page.get_by_role("link", name="Cập nhật số thành viên đã bỏ phiếu").click()
        expect(page.locator(f"#ballot-{session_data['ballot']} td").nth(5)).to_have_text("3")
        agenda = page.locator("#agenda").inner_text()
        assert "2/3" not in agenda and "Thông qua" not in agenda  # nothing of the tally before closing
        page.get_by_role("button", name="Kết thúc biểu quyết").click()
        expect(page.locator("#agenda")).to_contain_text("Không thông qua: 2/3 đồng ý (66,7 %)")
        assert page.evaluate("window.__same_page === true")
        with page.expect_download() as download:
            page.get_by_role("link", name="Biên bản (PDF)").click()
        assert download.value.suggested_filename == f"bien-ban-hop-hoi-dong-{sid}.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        page.get_by_role("link", name="Kết quả").first.click()
        row = page.locator("#results tbody tr").first
        text = row.inner_text()
        assert "2/3 (66,7 %)" in text and "Không thông qua" in text and "NĐ 98/2023 Điều 30(7)" in text
        page.screenshot(path=f"{SHOTS}/thidua-council-results.png", full_page=True)
    finally:
        officer.close()


def test_session_page_works_without_javascript(browser, live_server, session_data):
    """The same forms as full-page POSTs: attendance, then opening the ballot."""
    base = live_server.url
    sid = session_data["session"].pk
    context = browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        _login(page, base, "thuongtruc")
        page.goto(f"{base}/hoi-dong/phien/{sid}/")
        page.get_by_role("button", name="Mở biểu quyết").click()
        page.wait_for_load_state()
        assert "Chưa đủ số thành viên dự họp: có mặt 0/3" in page.locator("#error").inner_text()
        for name in ("Trần Thị Lan", "Lê Văn Minh"):
            page.get_by_label(name).check()
        page.get_by_role("button", name="Lưu điểm danh").click()
        page.wait_for_url(f"{base}/hoi-dong/phien/{sid}/")
        assert "Đã điểm danh: có mặt 2/3." in page.locator(".messages").inner_text()
        assert "Có mặt 2/3 thành viên" in page.locator("#quorum").inner_text()
        page.get_by_role("button", name="Mở biểu quyết").click()
        page.wait_for_url(f"{base}/hoi-dong/phien/{sid}/")
        assert "Đã mở biểu quyết: Nguyễn Văn Đức." in page.locator(".messages").inner_text()
        assert "Đang bỏ phiếu" in page.locator("#agenda").inner_text()
        page.get_by_role("link", name="Sửa phiên họp").click()
        page.get_by_label("Địa điểm").fill("Phòng họp số 2")
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_url(f"{base}/hoi-dong/phien/{sid}/")
        assert "Phòng họp số 2" in page.locator(".page-head").inner_text()
    finally:
        context.close()
