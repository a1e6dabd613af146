"""Seed 001's contest sentence from a contest run through the contests services:
"đã có 2/3 cơ quan, đơn vị, địa phương tham gia; thu hút 2 người tham gia thi với 3
lượt thi, trong đó có 1 người đạt điểm tối đa và có 1 lượt thi đúng"."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.reports.test_seed_sentences import docx_text

pytest.importorskip("thidua.contests.services")

from tests.contests.conftest import R1_OPEN, make_contest, register, take
from thidua.contests import services as contests


def test_contest_figures_and_sentence(api, tree):
    contest = make_contest(tree)
    a = register(contest, "Nguyễn Văn An", tree["XA1"])
    b = register(contest, "Trần Thị Bình", tree["SNV"])
    take(a, right=10, at=R1_OPEN + dt.timedelta(hours=1))
    take(a, right=6, at=R1_OPEN + dt.timedelta(hours=2))
    take(b, right=7, at=R1_OPEN + dt.timedelta(days=1))
    contests.tally_pending(contest)

    data = api.get("/api/v1/reports/summary", {"year": 2026, "unit": "TINH"}).json()
    [c] = data["contests"]
    assert (c["invited_units"], c["units_with_participants"], c["participants"], c["attempts"]) == (
        3,
        2,
        2,
        3,
    )
    sentence = (
        f"Cuộc thi “{contest.name}” đã có 2/3 cơ quan, đơn vị, địa phương tham gia; thu hút 2 người tham gia "
        "thi với 3 lượt thi, trong đó có 1 người đạt điểm tối đa và có 1 lượt thi đúng."
    )
    assert data["text"]["contests"] == [sentence]
    assert sentence in docx_text(
        api.get("/api/v1/reports/annual.docx", {"year": 2026, "unit": "TINH"}).content
    )
    # Reach over time for the dashboard: attempts per day.
    assert [d["attempts"] for d in c["per_day"]] == [2, 1]
    # A year without a round open: no contest.
    assert api.get("/api/v1/reports/summary", {"year": 2025, "unit": "TINH"}).json()["contests"] == []
