"""The organiser's statistics on a generated contest of known composition."""

from __future__ import annotations

import datetime as dt

from tests.contests.conftest import R1_OPEN, register, take
from thidua.contests import selectors, services
from thidua.contests.models import Attempt

DAY1 = R1_OPEN + dt.timedelta(days=1)  # 02/03/2026
DAY2 = R1_OPEN + dt.timedelta(days=2)  # 03/03/2026


def build(contest, tree):
    """XA1: 3 people (5 attempts), SNV: 2 (2 attempts), XA2 none, 1 free-text
    person (1 attempt), 1 registered who never sat. 8 counted attempts, of
    which 3 fully correct by 2 people; 1 late attempt that must not count."""
    a = register(contest, "An", tree["XA1"])
    b = register(contest, "Bình", tree["TH1"])
    c = register(contest, "Chi", tree["TH1"])
    d = register(contest, "Dũng", tree["SNV"])
    e = register(contest, "Em", tree["SNV"])
    f = register(contest, "Phúc", unit_text="Hội Phụ nữ phường")
    register(contest, "Giang", tree["XA1"])
    take(a, right=10, at=DAY1)
    take(a, right=10, at=DAY1 + dt.timedelta(hours=1))
    take(b, right=7, at=DAY1)
    take(b, right=10, at=DAY2)
    take(c, right=0, at=DAY2)
    take(d, right=9, at=DAY2)
    take(e, right=3, at=DAY2)
    take(f, right=5, at=DAY2)
    late = services.attempt_start(participant=c, now=DAY2 + dt.timedelta(hours=2))
    services.attempt_submit(participant=c, token=late.token, answers={}, now=DAY2 + dt.timedelta(hours=3))


def test_statistics_of_a_known_contest(contest, tree):
    build(contest, tree)
    assert services.tally_pending(contest, batch=3) == 8  # folded in three batches
    assert services.tally_pending(contest) == 0
    s = selectors.contest_stats(contest)
    assert (s.invited_units, s.units_with_participants) == (3, 2)
    assert (s.registered, s.participants, s.free_text_participants) == (7, 6, 1)
    assert (s.attempts, s.all_correct_attempts, s.max_score, s.max_score_participants) == (8, 3, 10, 2)
    assert [
        (r["unit"].code, r["participants"], r["attempts"], r["headcount"], r["rate"]) for r in s.per_unit
    ] == [
        ("SNV", 2, 2, 4, 0.5),
        ("XA1", 3, 5, 10, 0.3),
        ("XA2", 0, 0, None, None),
    ]
    assert s.per_day == [
        {"day": dt.date(2026, 3, 2), "attempts": 3, "all_correct": 2},
        {"day": dt.date(2026, 3, 3), "attempts": 5, "all_correct": 1},
    ]
    # 8 attempts × 10 questions; 54 right answers; "take" answers B where wrong
    assert sum(q["shown"] for q in s.questions) == 80
    assert sum(q["correct"] for q in s.questions) == 10 + 10 + 7 + 10 + 0 + 9 + 3 + 5
    assert sum(q["blank"] for q in s.questions) == 0
    assert sum(q["options"][1]["chosen"] for q in s.questions) == 80 - 54
    rates = [q["correct_rate"] for q in s.questions]
    assert rates == sorted(rates)  # the questions people get wrong come first


def test_new_submissions_are_added_to_the_counters(contest, tree):
    build(contest, tree)
    services.tally_pending(contest)
    take(register(contest, "Hà", tree["SNV"]), right=10, at=DAY2)
    assert Attempt.objects.filter(pending_tally=True).count() == 1
    services.tally_pending(contest)
    s = selectors.contest_stats(contest)
    assert (s.attempts, s.all_correct_attempts, s.max_score_participants, s.participants) == (9, 4, 3, 7)
    assert sum(q["shown"] for q in s.questions) == 90
