"""A dossier in a real browser: the school's officer creates it, adds a teacher
(and sees the verdict at once), uploads the letter and the minutes, submits;
the commune's standing officer returns it with a reason for that teacher; the
school's officer sees the reason in the queue. Screenshots go to /tmp."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from thidua.accounts.enums import Role
from thidua.awards.ruledata import load_rules
from thidua.directory import services
from thidua.nominations.deadlines import load_deadlines
from thidua.nominations.models import Dossier

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def dossier_world(transactional_db):
    """Rule data and step deadlines come with migrations; an earlier transactional
    test may have flushed them, so they are loaded again (idempotent)."""
    load_rules()
    load_deadlines()
    root = services.unit_create(actor=None, code="E2N-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa = services.unit_create(actor=None, code="E2N-XA1", name="Xã Một", kind="commune", parent=root)
    school = services.unit_create(
        actor=None, code="E2N-TH1", name="Trường Tiểu học Xã Một", kind="school", parent=xa
    )
    teacher = services.person_create(
        actor=None,
        full_name="Lò Thị Mai",
        gender="female",
        birth_date=dt.date(1985, 3, 8),
        position="Giáo viên",
        unit=school,
    )
    make_user("canbotruong", Role.UNIT_OFFICER, school)
    make_user("thuongtrucxa", Role.STANDING_OFFICER, xa)
    return {"teacher": teacher, "school": school, "commune": xa}


def _login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_create_fill_submit_then_return_with_a_reason(browser, live_server, dossier_world, tmp_path):
    base = live_server.url
    teacher = dossier_world["teacher"]
    letter, minutes = tmp_path / "Tờ trình số 15.pdf", tmp_path / "Biên bản họp Hội đồng.pdf"
    letter.write_bytes(PDF)
    minutes.write_bytes(PDF)

    unit_ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    body_ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    try:
        page = unit_ctx.new_page()
        _login(page, base, "canbotruong")
        page.goto(f"{base}/ho-so/")
        assert "Hồ sơ đang soạn (chưa gửi)" in page.locator("#viec-cho").inner_text()
        page.get_by_role("link", name="+ Tạo hồ sơ đề nghị").click()
        page.get_by_label("Trích yếu").fill("Đề nghị tặng Giấy khen năm học 2024-2025")
        assert page.get_by_label("Đơn vị đề nghị").input_value() == "E2N-TH1"
        assert page.get_by_label("Cơ quan xét, quyết định khen thưởng").input_value() == "E2N-XA1"
        page.get_by_label("Số tờ trình").fill("15/TTr-TH1")
        page.get_by_label("Ngày tờ trình").fill("02/06/2025")
        page.get_by_label("Người ký tờ trình").fill("Hiệu trưởng Trần Văn Bình")
        page.get_by_role("button", name="Tạo hồ sơ").click()
        page.wait_for_url(f"{base}/ho-so/*/")
        dossier = Dossier.objects.get()
        assert dossier.letter_date == dt.date(2025, 6, 2)

        # The candidate, picked with the live search.
        form = page.locator("#candidate-form")
        person = form.get_by_role("combobox", name="Cá nhân")
        person.fill("lo thi")
        # Wait for the answer to this query (a slow machine may still show an earlier one).
        option = page.locator("#person-options option", has_text="Lò Thị Mai").first
        option.wait_for(state="attached", timeout=20_000)
        person.fill(option.get_attribute("value"))
        form.get_by_label("Hình thức, danh hiệu đề nghị").select_option(label="Giấy khen")
        form.get_by_label("Năm thành tích").fill("2025")
        form.get_by_label("Tóm tắt thành tích").fill("Giáo viên dạy giỏi cấp xã năm học 2024-2025")
        form.get_by_role("button", name="Thêm vào hồ sơ").click()
        page.wait_for_load_state()
        row = page.locator("#candidate-table tbody tr").first
        try:
            row.wait_for(timeout=30_000)
        except Exception as exc:  # say what the page says instead of a bare timeout
            raise AssertionError(page.locator("main").inner_text()[:1500]) from exc
        assert row.locator("td").first.inner_text().startswith("Lò Thị Mai")
        verdict = row.locator(".nm-verdict").inner_text()
        assert any(v in verdict for v in ("Đủ điều kiện", "Không đủ điều kiện", "Cần xem xét"))
        row.get_by_text("Các tiêu chuẩn").click()
        assert row.locator(".aw-criteria li").count() >= 1
        if "Không đủ điều kiện" in verdict:  # the justification box is open: fill it
            row.get_by_label("Giải trình").fill("Thành tích đột xuất trong phong trào thi đua.")
            row.get_by_role("button", name="Lưu").click()
            page.wait_for_load_state()
        page.screenshot(path=f"{SHOTS}/thidua-dossier-draft.png", full_page=True)

        # The two files the dossier must carry.
        for kind, path in (("Tờ trình", letter), ("Biên bản họp Hội đồng TĐKT cơ sở", minutes)):
            upload = page.locator("#upload-form")
            upload.get_by_label("Loại tài liệu").select_option(label=kind)
            upload.get_by_label("Tệp (PDF, DOCX, XLSX, JPG, PNG)").set_input_files(str(path))
            upload.get_by_role("button", name="Tải lên").click()
            page.wait_for_load_state()
        files = page.locator("#tep").inner_text()
        assert "Tờ trình số 15.pdf" in files and "Biên bản họp Hội đồng.pdf" in files

        page.locator("#action-submit > summary").click()
        assert "Sau khi gửi, hồ sơ không sửa được nữa." in page.locator("#action-submit").inner_text()
        page.get_by_role("button", name="Xác nhận: Gửi hồ sơ").click()
        page.wait_for_load_state()
        assert page.locator("#dossier-state").inner_text() == "Đã gửi, chờ thẩm định"

        # The commune's standing officer returns it with a reason for the teacher.
        other = body_ctx.new_page()
        _login(other, base, "thuongtrucxa")
        other.goto(f"{base}/ho-so/")
        other.locator("#queue-receive").get_by_role("link", name=dossier.code).click()
        other.locator("#action-return > summary").click()
        other.get_by_label(f"Lý do trả lại — {teacher.full_name} (Giấy khen)").fill(
            "Thiếu bản chụp quyết định công nhận giáo viên dạy giỏi."
        )
        other.get_by_role("button", name="Xác nhận: Trả lại để bổ sung").click()
        other.wait_for_load_state()
        assert other.locator("#dossier-state").inner_text() == "Trả lại để bổ sung"

        # Back at the school: the queue says why.
        page.goto(f"{base}/ho-so/")
        returned = page.locator("#queue-returned").inner_text()
        assert dossier.code in returned
        assert "Lò Thị Mai: Thiếu bản chụp quyết định công nhận giáo viên dạy giỏi." in returned
        page.screenshot(path=f"{SHOTS}/thidua-dossier-returned.png", full_page=True)
    finally:
        unit_ctx.close()
        body_ctx.close()
