"""The whole path in a real browser, every step through the web pages as the
person who does it in real life (issue 4, "Tests", last sentence):

the commune's officer creates a dossier, adds a civil servant for the
province's Bằng khen, uploads the letter and the minutes, submits → the
province's standing officer returns it with a reason → the commune's officer
reads the reason and resubmits → the standing officer receives, appraises,
publishes → (the publication window ends) → the standing officer holds a
council session, puts the dossier on the agenda, takes the attendance and
opens the secret ballot → three members vote on phone-sized screens → the
ballot closes and the result appears → the standing officer drafts the
decision from the approved candidates → the leader signs and issues it → the
certificates PDF is built → the certificate's QR URL opens the public
verification page, logged out.

Only the world the path runs in is set up through the services: units, the
person, the accounts and the council with its members (they exist before
anyone proposes anything). Screenshots go to /tmp."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from thidua.accounts.enums import Role
from thidua.awards.ruledata import load_rules
from thidua.council import services as council
from thidua.decisions.certificates import verify_url
from thidua.decisions.models import DecisionRecipient
from thidua.directory import services
from thidua.nominations.deadlines import load_deadlines
from thidua.nominations.models import Dossier

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MEMBERS = ("Trần Thị Lan", "Lê Văn Minh", "Phạm Quốc Huy")
NAME = "Lò Văn Thành"
YEAR = 2025  # achievements of 2025, decided in January 2026: fixed, so the prize is too


@pytest.fixture
def world(transactional_db):
    """Rule data and step deadlines come with migrations; an earlier transactional
    test may have flushed them, so they are loaded again (idempotent)."""
    load_rules()
    load_deadlines()
    root = services.unit_create(actor=None, code="WP-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa = services.unit_create(actor=None, code="WP-XA1", name="Xã Một", kind="commune", parent=root)
    person = services.person_create(
        actor=None,
        full_name=NAME,
        gender="male",
        birth_date=dt.date(1980, 5, 19),
        position="Công chức Văn phòng - Thống kê",
        unit=xa,
    )
    make_user("canboxa", Role.UNIT_OFFICER, xa)
    officer = make_user("thuongtruc", Role.STANDING_OFFICER, root)
    make_user("chutich", Role.APPROVER, root)
    body = council.council_create(actor=officer, unit=root, name="Hội đồng Thi đua - Khen thưởng tỉnh")
    for i, name in enumerate(MEMBERS):
        council.member_add(
            actor=officer,
            council=body,
            user=make_user(f"thanhvien{i}", Role.COUNCIL_MEMBER, root),
            role="chair" if i == 0 else "member",
            active_from=dt.date(2024, 1, 1),
            full_name=name,
        )
    return {"person": person, "root": root}


def _login(browser, base_url: str, username: str, *, phone: bool = False):
    if phone:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    else:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of closing a ballot
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def _act(page, action: str, label: str) -> None:
    """Open a workflow panel of the dossier page and confirm it."""
    page.locator(f"#action-{action} > summary").click()
    page.get_by_role("button", name=f"Xác nhận: {label}").click()
    page.wait_for_load_state()


def test_nomination_to_verified_certificate(browser, live_server, world, tmp_path):
    base = live_server.url
    year = YEAR
    letter, minutes = tmp_path / "Tờ trình số 21.pdf", tmp_path / "Biên bản họp Hội đồng xã.pdf"
    letter.write_bytes(PDF)
    minutes.write_bytes(PDF)

    # 1. The commune's officer: dossier, candidate, the two required files, submit.
    unit_ctx, unit = _login(browser, base, "canboxa")
    unit.goto(f"{base}/ho-so/")
    unit.get_by_role("link", name="+ Tạo hồ sơ đề nghị").click()
    unit.get_by_label("Trích yếu").fill(f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm {year}")
    assert unit.get_by_label("Cơ quan xét, quyết định khen thưởng").input_value() == "WP-TINH"
    unit.get_by_label("Số tờ trình").fill("21/TTr-UBND")
    unit.get_by_label("Ngày tờ trình").fill("05/01/2026")
    unit.get_by_label("Người ký tờ trình").fill("Chủ tịch UBND xã Lường Văn Sơn")
    unit.get_by_role("button", name="Tạo hồ sơ").click()
    unit.wait_for_url(f"{base}/ho-so/*/")
    dossier_url = unit.url
    assert unit.locator("#dossier-state").inner_text() == "Dự thảo"

    form = unit.locator("#candidate-form")
    field = form.get_by_role("combobox", name="Cá nhân")
    field.fill("lo van thanh")  # without diacritics: the search folds them
    option = unit.locator("#person-options option").first
    option.wait_for(state="attached", timeout=10_000)
    field.fill(option.get_attribute("value"))
    form.get_by_label("Hình thức, danh hiệu đề nghị").select_option(
        label="Bằng khen của bộ, ban, ngành, tỉnh"
    )
    form.get_by_label("Năm thành tích").fill(str(year))
    form.get_by_label("Tóm tắt thành tích").fill(
        "Hoàn thành xuất sắc nhiệm vụ hai năm liên tục; có sáng kiến."
    )
    form.get_by_role("button", name="Thêm vào hồ sơ").click()
    unit.wait_for_load_state()
    row = unit.locator("#candidate-table tbody tr").first
    assert row.locator("td").first.inner_text().startswith(NAME)
    verdict = row.locator(".nm-verdict").inner_text()
    assert any(v in verdict for v in ("Đủ điều kiện", "Không đủ điều kiện", "Cần xem xét"))
    if "Không đủ điều kiện" in verdict:  # the justification the appraiser will read
        row.get_by_label("Giải trình").fill("Thành tích đột xuất trong phòng chống thiên tai.")
        row.get_by_role("button", name="Lưu").click()
        unit.wait_for_load_state()

    for kind, path in (("Tờ trình", letter), ("Biên bản họp Hội đồng TĐKT cơ sở", minutes)):
        upload = unit.locator("#upload-form")
        upload.get_by_label("Loại tài liệu").select_option(label=kind)
        upload.get_by_label("Tệp (PDF, DOCX, XLSX, JPG, PNG)").set_input_files(str(path))
        upload.get_by_role("button", name="Tải lên").click()
        unit.wait_for_load_state()
    files = unit.locator("#tep").inner_text()
    assert "Tờ trình số 21.pdf" in files and "Biên bản họp Hội đồng xã.pdf" in files
    _act(unit, "submit", "Gửi hồ sơ")
    assert unit.locator("#dossier-state").inner_text() == "Đã gửi, chờ thẩm định"
    dossier = Dossier.objects.get()

    # 2. The province's standing officer returns it with a reason for the candidate.
    body_ctx, body = _login(browser, base, "thuongtruc")
    body.goto(f"{base}/ho-so/")
    body.locator("#queue-receive").get_by_role("link", name=dossier.code).click()
    body.locator("#action-return > summary").click()
    body.get_by_label(f"Lý do trả lại — {NAME} (Bằng khen của bộ, ban, ngành, tỉnh)").fill(
        "Bổ sung xác nhận sáng kiến của Hội đồng sáng kiến huyện."
    )
    body.get_by_role("button", name="Xác nhận: Trả lại để bổ sung").click()
    body.wait_for_load_state()
    assert body.locator("#dossier-state").inner_text() == "Trả lại để bổ sung"

    # 3. The commune's officer sees why, and sends it again.
    unit.goto(f"{base}/ho-so/")
    returned = unit.locator("#queue-returned").inner_text()
    assert f"{NAME}: Bổ sung xác nhận sáng kiến của Hội đồng sáng kiến huyện." in returned
    unit.locator("#queue-returned").get_by_role("link", name=dossier.code).click()
    _act(unit, "resubmit", "Gửi lại hồ sơ đã bổ sung")
    assert unit.locator("#dossier-state").inner_text() == "Đã gửi lại sau bổ sung"
    unit_ctx.close()

    # 4. The standing officer receives, appraises (recommending the candidate), publishes.
    body.goto(f"{base}/ho-so/")
    body.locator("#queue-receive").get_by_role("link", name=dossier.code).click()
    _act(body, "receive", "Tiếp nhận, bắt đầu thẩm định")
    assert body.locator("#dossier-state").inner_text() == "Đang thẩm định"
    body.locator("#action-appraise > summary").click()
    body.get_by_label(f"Đề nghị — {NAME}").select_option(label="Trình Hội đồng")
    body.get_by_label(f"Ý kiến thẩm định — {NAME}").fill("Đủ hồ sơ sau khi bổ sung; đề nghị trình Hội đồng.")
    body.get_by_role("button", name="Xác nhận: Hoàn thành thẩm định").click()
    body.wait_for_load_state()
    assert body.locator("#dossier-state").inner_text() == "Đã thẩm định"
    body.locator("#action-publish > summary").click()
    body.get_by_label("Số ngày làm việc công khai").fill("5")
    body.get_by_role("button", name="Xác nhận: Công khai lấy ý kiến").click()
    body.wait_for_load_state()
    assert body.locator("#dossier-state").inner_text() == "Đang công khai lấy ý kiến"
    assert "Công khai đến hết ngày" in body.locator(".page-head").inner_text()

    # Time passes: the publication window is over. Nobody can wait five working
    # days in a test, so the closing date is moved to yesterday through the ORM.
    Dossier.objects.filter(pk=dossier.pk).update(publish_until=timezone.localdate() - dt.timedelta(days=1))

    # 5. The council session: create, agenda, attendance, open the secret ballot.
    body.goto(f"{base}/hoi-dong/")
    body.get_by_role("link", name="Tạo phiên họp").click()
    body.get_by_label("Nội dung phiên họp").fill(f"Phiên họp xét khen thưởng tổng kết năm {year}")
    body.get_by_label("Ngày họp").fill("15/01/2026")
    body.get_by_label("Chủ trì").select_option(label=f"{MEMBERS[0]} (Chủ tịch Hội đồng)")
    body.get_by_role("button", name="Tạo phiên họp").click()
    body.wait_for_url(f"{base}/hoi-dong/phien/*/")
    assert "Đã tạo phiên họp." in body.locator(".messages").inner_text()
    session_url = body.url
    agenda = body.locator("#agenda")
    agenda.get_by_label("Hồ sơ").select_option(value=str(dossier.pk))
    agenda.get_by_role("button", name="Trình Hội đồng").click()
    expect(body.locator("#agenda tbody")).to_contain_text(NAME)
    assert "Bằng khen của bộ, ban, ngành, tỉnh" in body.locator("#agenda tbody").inner_text()
    for name in MEMBERS:
        body.get_by_label(name).check()
    body.get_by_role("button", name="Lưu điểm danh").click()
    expect(body.locator("#attendance")).to_contain_text("Đã điểm danh: có mặt 3/3.")
    body.get_by_role("button", name="Mở biểu quyết").click()
    expect(body.locator("#agenda")).to_contain_text(f"Đã mở biểu quyết: {NAME}.")
    assert "Đang bỏ phiếu" in body.locator("#agenda").inner_text()

    # 6. Three members vote on their phones.
    for i, choice in enumerate(["Đồng ý", "Đồng ý", "Không đồng ý"]):
        phone_ctx, phone = _login(browser, base, f"thanhvien{i}", phone=True)
        try:
            phone.goto(f"{base}/hoi-dong/")
            assert "Phiếu chờ bạn bỏ phiếu" in phone.content()
            phone.get_by_role("link", name=NAME).click()
            phone.get_by_role("button", name=choice, exact=True).click()
            assert f"Bạn chọn: {choice}" in phone.locator(".cn-picked").inner_text()
            phone.get_by_role("button", name="Xác nhận bỏ phiếu").click()
            phone.wait_for_load_state()
            assert f"Đã ghi nhận phiếu của bạn về {NAME}." in phone.content()
            if i == 2:
                phone.screenshot(path=f"{SHOTS}/thidua-whole-path-vote.png", full_page=True)
        finally:
            phone_ctx.close()

    # 7. The standing officer closes the ballot: the result appears only now.
    body.goto(session_url)
    assert "Thông qua" not in body.locator("#agenda tbody").inner_text()
    body.get_by_role("button", name="Kết thúc biểu quyết").first.click()
    expect(body.locator("#agenda")).to_contain_text("Thông qua: 2/3 đồng ý (66,7 %)")
    body.goto(dossier_url)
    assert body.locator("#dossier-state").inner_text() == "Hội đồng đã xét"

    # 8. The standing officer drafts the decision from the approved candidates.
    body.goto(f"{base}/quyet-dinh/")
    body.get_by_role("link", name="Dự thảo quyết định").first.click()
    body.locator("#issuer").select_option(label="Tỉnh Thử Nghiệm")
    body.get_by_role("button", name="Xem danh sách chờ").click()
    assert "Sẽ đưa vào dự thảo: 1 người, tập thể" in body.locator("#selection-count").inner_text()
    assert NAME in body.locator("#candidates").inner_text()
    body.locator("summary", has_text="Thông tin quyết định").click()
    body.get_by_label("Ngày quyết định").fill("2026-01-20")
    body.get_by_label("Người ký", exact=True).fill("Hoàng Văn Sơn")
    body.locator("#make-draft").click()
    body.wait_for_url(f"{base}/quyet-dinh/*/")
    assert body.locator("#recipient-count").inner_text() == "1"
    # Decree 152/2025 (in force on 20/01/2026): 1,5 × the base salary 2.340.000.
    assert body.locator("#recipients tbody tr").first.locator("td").nth(5).inner_text() == "1,5"
    assert body.locator("#total").inner_text() == "3.510.000"
    decision_url = body.url
    body_ctx.close()

    # 9. The leader signs and issues it, then has the certificates built.
    lead_ctx, lead = _login(browser, base, "chutich")
    lead.goto(f"{base}/quyet-dinh/")
    assert "Chờ lãnh đạo ký, ban hành (1)" in lead.locator("#queue").inner_text()
    lead.goto(decision_url)
    lead.locator("#sign").click()
    assert lead.locator("#confirm-count").inner_text() == "1"
    lead.locator("#confirm").click()
    assert lead.locator("#state").inner_text() == "Đã ký, chờ vào sổ"
    lead.locator("#issue").click()
    lead.locator("#confirm").click()
    assert lead.locator("#state").inner_text() == "Đã ban hành"
    assert lead.locator("h1").inner_text() == "Quyết định số 1/QĐ-UBND"
    lead.locator("#build-certificates").click()  # a background task; runs at once in tests
    lead.wait_for_load_state()
    with lead.expect_download() as download:
        lead.locator("#certificates").click()
    text = subprocess.run(  # noqa: S603 - our own fixed command on the downloaded file
        ["pdftotext", "-layout", download.value.path(), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = DecisionRecipient.objects.get()
    assert NAME.upper() in text.upper() and line.certificate_number in text
    verify_href = lead.locator(".verify-link").first.get_attribute("href")
    # The QR code on the certificate encodes the public URL of the same page.
    assert verify_url(line.certificate_code).endswith(verify_href)
    lead.screenshot(path=f"{SHOTS}/thidua-whole-path-issued.png", full_page=True)
    lead_ctx.close()

    # 10. Anyone, logged out, opens the QR's URL: valid, with name, award and decision.
    public = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = public.new_page()
    page.goto(f"{base}{verify_href}")
    assert page.locator("#verify-status").inner_text().startswith("CÒN HIỆU LỰC.")
    assert page.locator("#verify-name").inner_text() == NAME
    assert page.locator("#verify-award").inner_text() == f"Bằng khen của bộ, ban, ngành, tỉnh năm {year}"
    assert (
        page.locator("#verify-decision").inner_text()
        == "Số 1/QĐ-UBND ngày 20/01/2026 của ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    )
    page.screenshot(path=f"{SHOTS}/thidua-whole-path-verified.png", full_page=True)
    public.close()
