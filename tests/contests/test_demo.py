"""The demo contest loads on the demo tree, quickly, with figures on its dashboard."""

from __future__ import annotations

import time

import pytest

from thidua.contests import selectors
from thidua.contests.demo import NAME, load_contests_demo
from thidua.contests.models import Contest


@pytest.mark.django_db(transaction=False)
def test_demo_contest(settings):
    from thidua.core.demo import load_demo

    settings.THIDUA_DEMO_EXTENSIONS = []
    load_demo(password="matkhau-demo-1")
    started = time.perf_counter()
    summary = load_contests_demo()
    elapsed = time.perf_counter() - started
    contest = Contest.objects.get(name=NAME)
    stats = selectors.contest_stats(contest)
    assert summary.startswith(f"Cuộc thi mẫu «{NAME}»: 320 người")
    assert contest.status == "open" and contest.questions.count() == 40 and contest.topics.count() == 4
    assert stats.participants == 320 and stats.attempts > 320
    assert 0 < stats.units_with_participants < stats.invited_units
    assert sum(d["attempts"] for d in stats.per_day) == stats.attempts
    assert sum(q["shown"] for q in stats.questions) == 20 * stats.attempts
    print(f"demo contest loaded in {elapsed:.2f} s")
