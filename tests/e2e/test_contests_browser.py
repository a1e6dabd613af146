"""A participant takes a contest attempt on a phone-sized screen in a real
browser: register, start, answer, submit, read the result; the countdown runs
and no answer is in the page before submission. A screenshot of the attempt
page goes to /tmp for a human to look at."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from thidua.contests import services
from thidua.contests.models import Attempt, Participant, Question, Round
from thidua.directory import services as directory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def contest(transactional_db):
    root = directory.unit_create(actor=None, code="E2E-HL", name="Thị xã Hồng Lĩnh", kind="district")
    ward = directory.unit_create(
        actor=None, code="E2E-BH", name="Phường Bắc Hồng", kind="commune", parent=root
    )
    c = services.contest_create(
        actor=None, organiser=root, name="Tìm hiểu về Cải cách hành chính", questions_per_attempt=3,
        time_limit_seconds=300, attempts_per_round=2,
    )  # fmt: skip
    services.invitations_set(actor=None, contest=c, units=[(ward, 40)])
    now = timezone.now()
    services.round_create(
        actor=None,
        contest=c,
        name="Đợt 1",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    topic = services.topic_create(actor=None, contest=c, name="Thủ tục hành chính", quota=0)
    services.question_create(
        actor=None,
        topic=topic,
        text="Bộ phận Một cửa làm gì?",
        options=["Tiếp nhận và trả kết quả", "Xét xử"],
        correct=[0],
    )
    services.question_create(
        actor=None,
        topic=topic,
        text="Cổng Dịch vụ công quốc gia?",
        options=["dichvucong.gov.vn", "dvc.com"],
        correct=[0],
    )
    services.question_create(
        actor=None, topic=topic, text="Kênh nộp hồ sơ nào đúng?", kind="multiple",
        options=["Trực tiếp", "Bưu chính", "Mạng xã hội của cán bộ"], correct=[0, 1],
    )  # fmt: skip
    services.contest_set_status(actor=None, contest=c, status="open")
    return c


def test_a_participant_takes_an_attempt_on_a_phone(browser, live_server, contest):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        base = f"{live_server.url}/cuoc-thi/{contest.slug}/"
        page.goto(base)
        page.get_by_role("link", name="Đăng ký dự thi").click()
        page.get_by_label("Họ và tên", exact=True).fill("Nguyễn Thị Lụa")
        page.get_by_label("Số điện thoại", exact=True).fill("0912 345 678")
        page.get_by_label("Ngày sinh").fill("1990-05-17")
        page.get_by_label("Đơn vị", exact=True).select_option(label="Phường Bắc Hồng")
        page.get_by_role("button", name="Đăng ký").click()
        page.wait_for_url(base)
        assert "Xin chào Nguyễn Thị Lụa" in page.inner_text("main")
        page.get_by_role("button", name="Vào thi").click()
        page.wait_for_url(re.compile(r".*/bai-thi/[^/]+/$"))
        html = page.content()
        assert "đáp án đúng" not in html.replace("chọn tất cả các đáp án đúng", "")
        timer = page.locator("#left")
        first = timer.inner_text()
        assert re.fullmatch(r"[45] phút \d+ giây", first)
        assert (
            page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        )  # no sideways scrolling
        page.screenshot(path=f"{SHOTS}/contest-attempt-phone.png", full_page=True)
        # answer: the two single-choice questions right, the multiple-choice one half right
        page.get_by_label("Tiếp nhận và trả kết quả").check()
        page.get_by_label("dichvucong.gov.vn").check()
        page.get_by_label("Trực tiếp").check()
        page.get_by_label("Dự đoán số người trả lời đúng tất cả các câu hỏi").fill("12")
        page.get_by_role("button", name="Nộp bài").click()
        page.wait_for_url(re.compile(r".*/ket-qua/[^/]+/$"))
        result = page.inner_text("main")
        assert "2/3 điểm" in result and "Dự đoán: 12" in result
        assert result.count("đáp án đúng") == 4  # revealed only now: A, A, A and B
        page.go_back()  # the attempt page again: it is over, so it shows the result, not a second try
        page.reload()
        assert "2/3 điểm" in page.inner_text("main")
        services.tally_pending(contest)
        p = Participant.objects.get(phone="0912345678")
        assert (p.attempt_count, p.best_score) == (1, 2)
        assert Attempt.objects.get(participant=p).status == "submitted"
        assert Question.objects.count() == 3 and Round.objects.count() == 1
    finally:
        context.close()
