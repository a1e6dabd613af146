"""Ranking order, tie-breaks and prize allocation."""

from __future__ import annotations

import datetime as dt

from tests.contests.conftest import R1_OPEN, R2_OPEN, make_contest, register, take
from thidua.contests import ranking, services

T = R1_OPEN + dt.timedelta(days=1)


def names(entries):
    return [e.full_name for e in entries]


def test_score_then_prediction_then_time_then_submission(contest, tree):
    people = {
        n: register(contest, n, tree["XA1"]) for n in ["An", "Bình", "Chi", "Dũng", "Em", "Phúc", "Giang"]
    }
    # 6 people will have a fully correct attempt: the right prediction is 6
    take(people["An"], right=10, at=T, seconds=200, prediction=6)
    take(people["Bình"], right=10, at=T, seconds=100, prediction=7)  # 1 off, fastest
    take(people["Chi"], right=10, at=T + dt.timedelta(minutes=1), seconds=150, prediction=5)  # 1 off
    take(people["Dũng"], right=10, at=T + dt.timedelta(minutes=2), seconds=150, prediction=7)  # same, later
    take(people["Em"], right=9, at=T, seconds=10, prediction=6)  # lower score wins nothing by speed
    take(people["Phúc"], right=10, at=T, seconds=5)  # no prediction: after every prediction
    take(people["Giang"], right=5, at=T, seconds=50, prediction=6)
    take(
        people["Giang"], right=10, at=T + dt.timedelta(hours=1), seconds=300, prediction=6
    )  # best attempt kept
    services.tally_pending(contest)  # the interfaces fold before reading (one call per page)
    board = ranking.leaderboard(contest)
    assert ranking.actual_all_correct(contest) == 6
    assert names(board) == ["An", "Giang", "Bình", "Chi", "Dũng", "Phúc", "Em"]
    assert [e.rank for e in board] == [1, 2, 3, 4, 5, 6, 7]
    assert [e.prediction_gap for e in board] == [0, 0, 1, 1, 1, None, 0]
    assert board[1].duration_ms == 300_000


def test_fully_equal_results_share_a_rank(contest, tree):
    a, b, c = (register(contest, n, tree["XA1"]) for n in ["An", "Bình", "Chi"])
    take(a, right=8, at=T, seconds=90, prediction=0)
    take(b, right=8, at=T, seconds=90, prediction=0)  # same score, prediction, time and submission time
    take(c, right=8, at=T, seconds=91, prediction=0)
    board = ranking.leaderboard(contest)
    assert [e.rank for e in board] == [1, 1, 3]
    assert names(board)[2] == "Chi"


def test_prizes_with_a_tie_at_the_boundary(tree):
    contest = make_contest(
        tree,
        prizes=[
            {"level": "nhat", "label": "Giải Nhất", "count": 1},
            {"level": "nhi", "label": "Giải Nhì", "count": 2},
            {"level": "ba", "label": "Giải Ba", "count": 2},
        ],
    )
    people = [register(contest, f"Người {i}", tree["XA1"]) for i in range(1, 9)]
    take(people[0], right=10, at=T, seconds=60)
    take(people[1], right=10, at=T, seconds=70)
    take(people[2], right=10, at=T, seconds=80)  # Người 3 and 4 tie on everything,
    take(people[3], right=10, at=T, seconds=80)  # across the second prize's boundary
    for i, p in enumerate(people[4:], start=5):
        take(p, right=9, at=T, seconds=60 + i)
    rows = services_recipients(contest)
    assert rows == [
        ("nhat", "Người 1", 1, False),
        ("nhi", "Người 2", 2, False),
        ("nhi", "Người 3", 3, True),
        ("nhi", "Người 4", 3, True),
        ("ba", "Người 5", 5, False),
        ("ba", "Người 6", 6, False),
    ]


def services_recipients(contest):
    return [
        (r["level"], r["full_name"], r["rank"], r["tied"]) for r in ranking.contest_prize_recipients(contest)
    ]


def test_a_winner_of_two_rounds_keeps_the_higher_prize(tree):
    contest = make_contest(
        tree,
        prize_per_round=True,
        prizes=[
            {"level": "nhat", "label": "Giải Nhất", "count": 1},
            {"level": "nhi", "label": "Giải Nhì", "count": 1},
        ],
    )
    x, y, z, w = (register(contest, n, tree["XA1"]) for n in ["Xuân", "Yến", "Zin", "Vũ"])
    take(y, right=10, at=T, seconds=50)
    take(x, right=10, at=T, seconds=60)  # second in round 1
    take(z, right=9, at=T, seconds=60)
    take(x, right=10, at=R2_OPEN + dt.timedelta(hours=1), seconds=40)  # first in round 2
    take(w, right=10, at=R2_OPEN + dt.timedelta(hours=1), seconds=45)
    got = [(r["round"], r["level"], r["full_name"]) for r in ranking.contest_prize_recipients(contest)]
    assert got == [
        ("Đợt 1", "nhat", "Yến"),
        ("Đợt 2", "nhat", "Xuân"),
        ("Đợt 1", "nhi", "Zin"),
        ("Đợt 2", "nhi", "Vũ"),
    ]


def test_collective_prizes_by_rate_and_by_count(tree):
    contest = make_contest(tree, collective_prize_count=1, collective_basis="rate")
    for i in range(3):
        take(register(contest, f"Xã Một {i}", tree["TH1"] if i else tree["XA1"]), right=5, at=T)
    for i in range(2):
        take(register(contest, f"Sở {i}", tree["SNV"]), right=5, at=T)
    for i in range(4):
        take(register(contest, f"Xã Hai {i}", tree["TH2"]), right=5, at=T)
    register(contest, "Chưa thi", tree["SNV"])  # registered without an attempt: not a participant
    # rates: Xã Một 3/10, Sở Nội vụ 2/4, Xã Hai has no headcount (no people in the directory)
    services.tally_pending(contest)
    won = ranking.allocate_collective(contest)
    assert [(w.unit.code, w.participants, w.rate, w.tied) for w in won] == [("SNV", 2, 0.5, False)]
    services.contest_update(actor=None, contest=contest, collective_basis="count", collective_prize_count=2)
    take(register(contest, "Sở 3", tree["SNV"]), right=1, at=T)
    contest.refresh_from_db()
    services.tally_pending(contest)
    won = ranking.allocate_collective(contest)
    # Xã Hai 4, then Xã Một 3 and Sở Nội vụ 3 tied at the boundary: both get it
    assert [(w.unit.code, w.rank, w.participants, w.tied) for w in won] == [
        ("XA2", 1, 4, False),
        ("SNV", 2, 3, True),
        ("XA1", 2, 3, True),
    ]


def test_the_indexed_board_equals_the_sorted_one(contest, tree, monkeypatch):
    people = [register(contest, f"Người {i}", tree["XA1"]) for i in range(6)]
    for i, p in enumerate(people):
        take(p, right=10 - i, at=T, seconds=60)
        take(p, right=max(0, 9 - i), at=T + dt.timedelta(hours=1), seconds=60)  # a worse second try
    monkeypatch.setattr(ranking, "PAGE", 2)  # several pages per stream
    indexed = [(e.full_name, e.score, e.rank) for e in ranking.ranked(contest)]
    whole = [(e.full_name, e.score, e.rank) for e in ranking.ranked(contest, whole=True)]
    assert indexed == whole == [(f"Người {i}", 10 - i, i + 1) for i in range(6)]
