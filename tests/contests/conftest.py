"""A contest on the shared test tree, with a clock the tests control.

Organiser: TINH. Invited: XA1 (headcount 10), XA2 (headcount from the
directory), SNV (headcount 4). Round 1: 01/03/2026 08:00 – 31/03/2026 22:00,
round 2: 01/04/2026 08:00 – 30/04/2026 22:00 (Asia/Ho_Chi_Minh).
Bank: 4 topics × 5 questions of 4 options, answer A (index 0) right,
except that every question of topic 4 is multiple choice with A and C right.
An attempt draws 10 questions: 2 from each topic (quota) + 2 fillers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest

from thidua.contests import services
from thidua.contests.models import Attempt, Contest, Participant

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
R1_OPEN = dt.datetime(2026, 3, 1, 8, 0, tzinfo=TZ)
R1_CLOSE = dt.datetime(2026, 3, 31, 22, 0, tzinfo=TZ)
R2_OPEN = dt.datetime(2026, 4, 1, 8, 0, tzinfo=TZ)
R2_CLOSE = dt.datetime(2026, 4, 30, 22, 0, tzinfo=TZ)
_ips = itertools.count(1)


def make_contest(tree, **settings) -> Contest:
    values = {"questions_per_attempt": 10, "time_limit_seconds": 600, "attempts_per_round": 3}
    values.update(settings)
    contest = services.contest_create(
        actor=None, organiser=tree["TINH"], name="Tìm hiểu về Cải cách hành chính", **values
    )
    services.invitations_set(
        actor=None, contest=contest, units=[(tree["XA1"], 10), (tree["XA2"], None), (tree["SNV"], 4)]
    )
    services.round_create(actor=None, contest=contest, name="Đợt 1", opens_at=R1_OPEN, closes_at=R1_CLOSE)
    services.round_create(actor=None, contest=contest, name="Đợt 2", opens_at=R2_OPEN, closes_at=R2_CLOSE)
    for t in range(1, 5):
        topic = services.topic_create(actor=None, contest=contest, name=f"Chủ đề {t}", quota=2)
        for n in range(1, 6):
            if t == 4:
                services.question_create(
                    actor=None,
                    topic=topic,
                    text=f"Câu {t}.{n}: chọn các ý đúng",
                    kind="multiple",
                    options=["Ý một", "Ý hai", "Ý ba", "Ý bốn"],
                    correct=[0, 2],
                )
            else:
                services.question_create(
                    actor=None,
                    topic=topic,
                    text=f"Câu {t}.{n}: chọn ý đúng",
                    options=["Đúng", "Sai một", "Sai hai", "Sai ba"],
                    correct=[0],
                )
    services.contest_set_status(actor=None, contest=contest, status="open")
    contest.refresh_from_db()
    return contest


@pytest.fixture
def contest(tree) -> Contest:
    return make_contest(tree)


def register(
    contest: Contest, name: str, unit=None, *, phone: str | None = None, unit_text: str = ""
) -> Participant:
    n = next(_ips)
    return services.participant_register(
        contest=contest,
        full_name=name,
        phone=phone or f"03{n:08d}",
        birth_date=dt.date(1990, 1, 1),
        unit=unit,
        unit_text="" if unit else (unit_text or "Hội Cựu chiến binh"),
        ip=f"10.0.{n // 250}.{n % 250}",
    )


def answers_for(attempt: Attempt, right: int) -> dict[int, list[int]]:
    """The first ``right`` questions answered correctly, the rest wrong (B)."""
    from thidua.contests.models import Question

    masks = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("id", "correct_mask"))
    out = {}
    for i, qid in enumerate(attempt.question_ids):
        if i < right:
            out[qid] = [b for b in range(8) if masks[qid] >> b & 1]
        else:
            out[qid] = [1]
    return out


def take(
    participant: Participant,
    *,
    right: int,
    at: dt.datetime,
    seconds: float = 120,
    prediction: int | None = None,
) -> Attempt:
    """One complete attempt started at ``at`` and submitted ``seconds`` later."""
    attempt = services.attempt_start(participant=participant, now=at)
    attempt, _ = services.attempt_submit(
        participant=participant,
        token=attempt.token,
        answers=answers_for(attempt, right),
        prediction=prediction,
        now=at + dt.timedelta(seconds=seconds),
    )
    return attempt
