"""Set-up, registration and the abuse rules of an attempt, through the services."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import override_settings

from tests.conftest import make_user
from tests.contests.conftest import R1_CLOSE, R1_OPEN, R2_OPEN, answers_for, register, take
from thidua.accounts.enums import Role
from thidua.contests import ratelimit, services
from thidua.contests.models import Attempt, Contest, Participant, Question
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.core.models import AuditEntry

DAY = R1_OPEN + dt.timedelta(days=2)


def test_open_refuses_a_bank_too_small_for_the_quotas(tree):
    contest = services.contest_create(
        actor=None, organiser=tree["TINH"], name="Thi thử", questions_per_attempt=5
    )
    topic = services.topic_create(actor=None, contest=contest, name="Luật", quota=3)
    services.question_create(actor=None, topic=topic, text="Câu 1", options=["A", "B"], correct=[0])
    with pytest.raises(DomainError) as err:
        services.contest_set_status(actor=None, contest=contest, status="open")
    assert err.value.message == (
        "Chưa thể mở cuộc thi: chưa có đợt thi nào; chưa mời đơn vị nào; chủ đề «Luật» cần 3 câu mỗi lượt "
        "nhưng chỉ có 1 câu; ngân hàng có 1 câu, ít hơn số câu mỗi lượt (5)."
    )
    assert Contest.objects.get(pk=contest.pk).status == "draft"


def test_organisers_act_only_in_their_scope(tree, commune1_officer, viewer):
    with pytest.raises(PermissionDenied):
        services.contest_create(actor=commune1_officer, organiser=tree["TINH"], name="Không được")
    officer = make_user("xa1", Role.STANDING_OFFICER, tree["XA1"])
    contest = services.contest_create(actor=officer, organiser=tree["TH1"], name="Cuộc thi của trường")
    assert contest.organiser == tree["TH1"] and contest.status == "draft"
    with pytest.raises(PermissionDenied):
        services.contest_update(actor=viewer, contest=contest, name="Đổi tên")
    assert AuditEntry.objects.filter(action="contests.create", object_id=str(contest.pk)).count() == 1


def test_question_validation_messages(contest):
    topic = contest.topics.first()
    cases = [
        ({"options": ["Có"], "correct": [0]}, "Câu hỏi phải có từ 2 đến 8 phương án."),
        ({"options": ["Có", "Không"], "correct": []}, "Chưa chọn đáp án đúng."),
        (
            {"options": ["Có", "Không"], "correct": [0, 1]},
            "Câu hỏi chọn một đáp án phải có đúng một đáp án đúng.",
        ),
        ({"options": ["Có", "Không"], "correct": [2]}, "Đáp án đúng phải là một trong các phương án đã có."),
        ({"options": ["Có", "có "], "correct": [0]}, "Hai phương án trả lời giống nhau."),
    ]
    before = Question.objects.count()
    for kwargs, message in cases:
        with pytest.raises(DomainError) as err:
            services.question_create(actor=None, topic=topic, text="Câu mới", **kwargs)
        assert err.value.message == message
    assert Question.objects.count() == before


def test_registration_dedup_and_refusals(contest, tree):
    p = services.participant_register(
        contest=contest,
        full_name="  Nguyễn  Văn An ",
        phone="+84 912 345 678",
        birth_date=dt.date(1990, 5, 1),
        unit=tree["TH1"],
        ip="1.1.1.1",
    )
    assert (p.full_name, p.phone, p.identity, p.unit) == (
        "Nguyễn Văn An",
        "0912345678",
        "0912345678",
        tree["TH1"],
    )
    again = services.participant_register(
        contest=contest,
        full_name="Nguyễn Văn An",
        phone="0912.345.678",
        birth_date=dt.date(1990, 5, 1),
        unit=tree["TH1"],
        ip="1.1.1.2",
    )
    assert again.pk == p.pk and again.code == p.code  # a new phone gets the same registration back
    refusals = [
        (
            {"phone": "0912345678", "birth_date": dt.date(1991, 1, 1), "unit": tree["TH1"]},
            "Số điện thoại hoặc thư điện tử này đã được dùng để đăng ký.",
        ),
        (
            {"phone": "12345", "birth_date": dt.date(1991, 1, 1), "unit": tree["TH1"]},
            "Số điện thoại phải gồm 10 hoặc 11 chữ số, bắt đầu bằng 0.",
        ),
        (
            {"email": "khong-phai-thu", "birth_date": dt.date(1991, 1, 1), "unit": tree["TH1"]},
            "Thư điện tử không hợp lệ.",
        ),
        (
            {"birth_date": dt.date(1991, 1, 1), "unit": tree["TH1"]},
            "Hãy nhập số điện thoại hoặc thư điện tử.",
        ),
        (
            {"phone": "0987654321", "birth_date": dt.date(1991, 1, 1), "unit": tree["TH2"].parent.parent},
            "Đơn vị đã chọn không thuộc các đơn vị được mời.",
        ),
        (
            {"phone": "0987654321", "birth_date": dt.date(1991, 1, 1)},
            "Hãy chọn đơn vị hoặc ghi tên đơn vị của bạn.",
        ),
        (
            {"phone": "0987654321", "birth_date": dt.date(2030, 1, 1), "unit": tree["TH1"]},
            "Ngày sinh không hợp lệ.",
        ),
    ]
    for i, (kwargs, message) in enumerate(refusals):
        with pytest.raises(DomainError) as err:
            services.participant_register(
                contest=contest, full_name="Trần Thị Bình", ip=f"2.2.2.{i}", **kwargs
            )
        assert err.value.message == message
    assert Participant.objects.filter(contest=contest).count() == 1


def test_ten_thousand_registrations_from_one_address_are_cut_off(contest, tree):
    """The same address may register 30 people in 10 minutes; the rest get a 429 message."""
    refused = Counter()
    for i in range(200):
        try:
            services.participant_register(
                contest=contest,
                full_name=f"Người thứ {i}",
                phone=f"09{i:08d}",
                birth_date=dt.date(1990, 1, 1),
                unit=tree["XA1"],
                ip="203.0.113.9",
            )
        except ratelimit.RateLimited as exc:
            refused[exc.message] += 1
            assert exc.status == 429
    assert Participant.objects.filter(contest=contest).count() == 30
    assert refused == {"Có quá nhiều yêu cầu từ nơi bạn dùng. Hãy thử lại sau khoảng 10 phút.": 170}
    # another address is not affected
    register(contest, "Lê Văn Khác", tree["XA2"])
    assert Participant.objects.filter(contest=contest).count() == 31


def test_draw_follows_the_topic_quotas(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    attempt = services.attempt_start(participant=p, now=DAY)
    topics = Counter(Question.objects.get(pk=q).topic.name for q in attempt.question_ids)
    assert len(attempt.question_ids) == 10 == len(set(attempt.question_ids))
    assert all(topics[f"Chủ đề {t}"] >= 2 for t in range(1, 5)) and sum(topics.values()) == 10
    assert attempt.deadline == DAY + dt.timedelta(seconds=600)


def test_submit_scores_on_the_server_and_counts_a_double_submit_once(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    attempt = services.attempt_start(participant=p, now=DAY)
    answers = answers_for(attempt, 7)
    done, counted = services.attempt_submit(
        participant=p,
        token=attempt.token,
        answers=answers,
        prediction=12,
        now=DAY + dt.timedelta(seconds=95.5),
    )
    assert (counted, done.status, done.score, done.correct_count, done.all_correct, done.duration_ms) == (
        True,
        "submitted",
        7,
        7,
        False,
        95500,
    )
    again, counted = services.attempt_submit(
        participant=p,
        token=attempt.token,
        answers=answers_for(attempt, 10),
        now=DAY + dt.timedelta(seconds=99),
    )
    assert (counted, again.score, again.duration_ms) == (False, 7, 95500)
    assert services.tally_pending(contest) == 1
    p.refresh_from_db()
    assert (p.attempt_count, p.best_score, p.all_correct_count) == (1, 7, 0)


def test_a_multiple_choice_question_needs_exactly_the_right_set(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    attempt = services.attempt_start(participant=p, now=DAY)
    multi = [q for q in attempt.question_ids if Question.objects.get(pk=q).kind == "multiple"]
    answers = answers_for(attempt, 10)
    answers[multi[0]] = [0]  # only one of the two right options
    done, _ = services.attempt_submit(
        participant=p, token=attempt.token, answers=answers, now=DAY + dt.timedelta(seconds=60)
    )
    assert done.score == 9


def test_bad_answers_are_refused_and_nothing_is_written(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    attempt = services.attempt_start(participant=p, now=DAY)
    foreign = Question.objects.exclude(pk__in=attempt.question_ids).first()
    single = next(q for q in attempt.question_ids if Question.objects.get(pk=q).kind == "single")
    bad = [
        ({foreign.pk: [0]}, f"Câu hỏi mã {foreign.pk} không thuộc lượt thi này."),
        ({single: [0, 1]}, f"Câu hỏi mã {single} chỉ được chọn một đáp án."),
        ({single: [7]}, f"Lựa chọn không hợp lệ ở câu hỏi mã {single}."),
        ({"abc": [0]}, "Bài làm có mã câu hỏi không hợp lệ."),
    ]
    for answers, message in bad:
        with pytest.raises(DomainError) as err:
            services.attempt_submit(
                participant=p, token=attempt.token, answers=answers, now=DAY + dt.timedelta(seconds=60)
            )
        assert err.value.message == message
    attempt.refresh_from_db()
    assert (attempt.status, attempt.answers, attempt.submitted_at) == ("active", None, None)


def test_someone_elses_attempt_is_not_found(contest, tree):
    a = register(contest, "Phạm Thị Hoa", tree["XA1"])
    b = register(contest, "Đỗ Văn Bình", tree["XA2"])
    attempt = services.attempt_start(participant=a, now=DAY)
    with pytest.raises(NotFound) as err:
        services.attempt_submit(
            participant=b, token=attempt.token, answers={}, now=DAY + dt.timedelta(seconds=60)
        )
    assert err.value.message == "Không tìm thấy lượt thi."
    assert Attempt.objects.get(pk=attempt.pk).status == "active"


def test_answers_after_the_time_limit_do_not_count(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    attempt = services.attempt_start(participant=p, now=DAY)
    # 600 s limit + 5 s of network slack: at 604 s it counts, at 606 s it does not
    late, counted = services.attempt_submit(
        participant=p,
        token=attempt.token,
        answers=answers_for(attempt, 10),
        now=DAY + dt.timedelta(seconds=606),
    )
    assert (counted, late.status, late.score) == (False, "late", 0)
    assert services.tally_pending(contest) == 0
    p.refresh_from_db()
    assert (p.attempt_count, p.best_score) == (0, None)
    second = take(p, right=10, at=DAY + dt.timedelta(hours=1), seconds=604)
    assert (second.status, second.score) == ("submitted", 10)


def test_the_round_close_cuts_the_time_limit(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    start = R1_CLOSE - dt.timedelta(minutes=2)
    attempt = services.attempt_start(participant=p, now=start)
    assert attempt.deadline == R1_CLOSE
    done, counted = services.attempt_submit(
        participant=p,
        token=attempt.token,
        answers=answers_for(attempt, 10),
        now=R1_CLOSE + dt.timedelta(seconds=30),
    )
    assert (counted, done.status) == (False, "late")
    with pytest.raises(DomainError) as err:
        services.attempt_start(participant=p, now=R1_CLOSE + dt.timedelta(minutes=1))
    assert err.value.message == "Hiện không có đợt thi nào đang mở."


def test_one_active_attempt_and_the_limit_per_round(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    first = services.attempt_start(participant=p, now=DAY)
    assert services.attempt_start(participant=p, now=DAY + dt.timedelta(seconds=30)).pk == first.pk  # resumes
    services.attempt_submit(participant=p, token=first.token, answers={}, now=DAY + dt.timedelta(seconds=40))
    take(p, right=3, at=DAY + dt.timedelta(hours=1))
    # an abandoned attempt expires and still uses up a turn
    services.attempt_start(participant=p, now=DAY + dt.timedelta(hours=2))
    with pytest.raises(DomainError) as err:
        services.attempt_start(participant=p, now=DAY + dt.timedelta(hours=3))
    assert err.value.message == "Bạn đã dùng hết 3 lượt thi của Đợt 1."
    assert sorted(Attempt.objects.filter(participant=p).values_list("status", flat=True)) == [
        "expired",
        "submitted",
        "submitted",
    ]
    # the next round gives three new turns
    assert take(p, right=10, at=R2_OPEN + dt.timedelta(hours=1)).seq == 1


def test_guessing_the_birth_date_of_a_registered_phone_is_cut_off(contest, tree):
    """Five tries per phone in 10 minutes, from any address; then even the right date waits."""
    owner = register(contest, "Phạm Thị Hoa", tree["XA1"], phone="0977000111")
    for i, year in enumerate(range(1980, 1984)):
        with pytest.raises(DomainError) as err:
            services.participant_register(
                contest=contest, full_name="Kẻ đoán", phone="0977000111", birth_date=dt.date(year, 1, 1),
                unit=tree["XA1"], ip=f"198.51.100.{i}",
            )  # fmt: skip
        assert err.value.message == "Số điện thoại hoặc thư điện tử này đã được dùng để đăng ký."
    assert services.participant_register(
        contest=contest, full_name="Phạm Thị Hoa", phone="0977000111", birth_date=dt.date(1990, 1, 1),
        unit=tree["XA1"], ip="198.51.100.50",
    ).code == owner.code  # fmt: skip
    with pytest.raises(ratelimit.RateLimited):
        services.participant_register(
            contest=contest, full_name="Phạm Thị Hoa", phone="0977000111", birth_date=dt.date(1990, 1, 1),
            unit=tree["XA1"], ip="198.51.100.51",
        )  # fmt: skip


@override_settings(THIDUA_CONTEST_RATE_LIMITS={"register_ip": (1, 600)})
def test_rate_limits_come_from_settings(contest, tree):
    register(contest, "Một", tree["XA1"])  # helper: a new address each time
    services.participant_register(
        contest=contest,
        full_name="Hai",
        phone="0966000001",
        birth_date=dt.date(1990, 1, 1),
        unit=tree["XA1"],
        ip="9.9.9.9",
    )
    with pytest.raises(ratelimit.RateLimited):
        services.participant_register(
            contest=contest,
            full_name="Ba",
            phone="0966000002",
            birth_date=dt.date(1990, 1, 1),
            unit=tree["XA1"],
            ip="9.9.9.9",
        )


def test_correct_answers_are_only_revealed_after_submission(contest, tree):
    p = register(contest, "Phạm Thị Hoa", tree["XA1"])
    attempt = services.attempt_start(participant=p, now=DAY)
    with pytest.raises(DomainError) as err:
        services.attempt_review(attempt)
    assert err.value.message == "Lượt thi chưa nộp: chưa thể xem đáp án."
    services.attempt_submit(
        participant=p,
        token=attempt.token,
        answers=answers_for(attempt, 4),
        now=DAY + dt.timedelta(seconds=60),
    )
    attempt.refresh_from_db()
    review = services.attempt_review(attempt)
    assert [r["right"] for r in review] == [True] * 4 + [False] * 6
    assert review[5]["options"][1] == {
        "index": 1,
        "text": review[5]["options"][1]["text"],
        "chosen": True,
        "correct": False,
    }
