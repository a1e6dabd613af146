"""The organiser in a real browser: the leaderboard of a round, disqualifying
the winner for false data (the prize passes on), then "Lập dự thảo quyết
định trao giải", choosing between two people of the same name, which lands on
the decision's draft page."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from thidua.accounts.enums import Role
from thidua.contests import services
from thidua.directory import services as directory

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def data(transactional_db):
    root = directory.unit_create(actor=None, code="GT-TX", name="Thị xã Hồng Lĩnh", kind="district")
    ward = directory.unit_create(
        actor=None, code="GT-BH", name="Phường Bắc Hồng", kind="commune", parent=root
    )
    now = timezone.now()
    c = services.contest_create(
        actor=None, organiser=root, name="Tìm hiểu về Cải cách hành chính", questions_per_attempt=2,
        time_limit_seconds=300, attempts_per_round=2,
        prizes=[{"label": "Giải Nhất", "count": 1, "amount": 2_000_000}],
    )  # fmt: skip
    services.invitations_set(actor=None, contest=c, units=[(ward, 40)])
    services.round_create(
        actor=None,
        contest=c,
        name="Tuần 1",
        opens_at=now - dt.timedelta(hours=2),
        closes_at=now + dt.timedelta(days=1),
    )
    topic = services.topic_create(actor=None, contest=c, name="Thủ tục", quota=0)
    for text in ("Câu một", "Câu hai"):
        services.question_create(actor=None, topic=topic, text=text, options=["Đúng", "Sai"], correct=[0])
    services.contest_set_status(actor=None, contest=c, status="open")
    for unit in (ward, ward):  # two people named like the runner-up, both born the same day
        directory.person_create(
            actor=None, full_name="Trần Thị Hoa", gender="female", unit=unit, birth_date=dt.date(1990, 1, 1)
        )
    for i, (name, right) in enumerate((("Lê Văn Gian", 2), ("Trần Thị Hoa", 1))):
        p = services.participant_register(
            contest=c, full_name=name, phone=f"09123456{i:02d}", birth_date=dt.date(1990, 1, 1), unit=ward,
            ip=f"10.9.0.{i}",
        )  # fmt: skip
        a = services.attempt_start(participant=p)
        answers = {qid: [0] if n < right else [1] for n, qid in enumerate(a.question_ids)}
        services.attempt_submit(participant=p, token=a.token, answers=answers)
    make_user("thuongtruc", Role.STANDING_OFFICER, root)
    return c


def test_disqualify_then_draft_the_prize_decision(browser, live_server, data):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{base}/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill("thuongtruc")
        page.get_by_label("Mật khẩu").fill("matkhau-123")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/cuoc-thi-truc-tuyen/{data.pk}/")
        page.get_by_role("link", name="Bảng xếp hạng theo đợt").click()
        page.get_by_label("Đợt thi").select_option(label="Tuần 1")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url(re.compile(r".*\?dot=1$"))
        rows = page.locator("#leaderboard tbody tr")
        assert rows.first.inner_text().startswith("1\tLê Văn Gian")
        page.get_by_label("Lý do loại Lê Văn Gian").fill("Khai sai ngày sinh")
        rows.first.get_by_role("button", name="Loại").click()
        page.wait_for_load_state()
        assert "Đã loại Lê Văn Gian" in page.inner_text("main")
        assert page.locator("#leaderboard tbody tr").first.inner_text().startswith("1\tTrần Thị Hoa")
        assert "Khai sai ngày sinh" in page.locator("#disqualified").inner_text()

        page.goto(f"{base}/cuoc-thi-truc-tuyen/{data.pk}/quyet-dinh-trao-giai/")
        assert "1 người đạt giải trùng tên với nhiều hồ sơ" in page.inner_text("main")
        page.screenshot(path=f"{SHOTS}/contest-prize-decision.png", full_page=True)
        page.locator("input[type=radio][name^=person_]").first.check()
        page.get_by_label("Nguồn kinh phí").fill("Ngân sách thị xã")
        page.get_by_role("button", name="Lập dự thảo quyết định trao giải").click()
        page.wait_for_url(re.compile(r".*/quyet-dinh/\d+/$"))
        main = page.inner_text("main")
        assert "Về việc trao giải Cuộc thi Tìm hiểu về Cải cách hành chính" in main
        assert "Trần Thị Hoa" in main and "2.000.000" in main
    finally:
        context.close()
