"""The report counts all its movements at once (reports.figures.movements); the figures
must be those the movement's own page shows (movements.selectors.movement_summary and
progress) — on a day inside the period, before it and after it, with values reported
later than the day, a lower-is-better indicator, a task that went back to "in progress",
a commune abolished before the movement began and a subtree participant next to a
single-unit one."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.directory import services as directory
from thidua.reports.figures import compute
from thidua.reports.figures.movements import movements_figures

movements = pytest.importorskip("thidua.movements.services")
from thidua.movements import selectors  # noqa: E402


@pytest.fixture
def two_movements(tree, officer):
    root = tree["TINH"]
    gone = directory.unit_create(
        actor=None,
        code="XA9",
        name="Xã Đã Giải Thể",
        kind="commune",
        parent=root,
        valid_to=dt.date(2022, 12, 31),
    )
    late = directory.unit_create(
        actor=None,
        code="XA8",
        name="Xã Mới Lập",
        kind="commune",
        parent=tree["XA1"],
        valid_from=dt.date(2024, 1, 1),
    )
    a = movements.movement_launch(
        actor=officer, kind="regular", name="Thi đua yêu nước 2023", launching_unit=root,
        start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 12, 31),
        participants=[(tree["XA1"], True), (tree["SNV"], False), (tree["TH1"], False)],
    )  # fmt: skip
    b = movements.movement_launch(
        actor=officer, kind="thematic", name="Chung sức xây dựng nông thôn mới", launching_unit=root,
        start_date=dt.date(2023, 6, 1), end_date=dt.date(2024, 6, 30),
    )  # fmt: skip
    for m, unit in ((a, tree["XA1"]), (b, tree["XA2"])):
        higher = movements.indicator_create(
            actor=officer, movement=m, unit=unit, code="CT1", name="Thu ngân sách", plan_value=100
        )
        lower = movements.indicator_create(
            actor=officer, movement=m, unit=unit, code="CT2", name="Tỷ lệ hộ nghèo", plan_value=5,
            direction="lower",
        )  # fmt: skip
        movements.indicator_create(
            actor=officer, movement=m, unit=unit, code="CT3", name="Chưa báo cáo", plan_value=1
        )
        movements.indicator_report(actor=officer, indicator=higher, value=90, as_of=m.start_date)
        movements.indicator_report(actor=officer, indicator=higher, value=130, as_of=dt.date(2023, 12, 31))
        movements.indicator_report(actor=officer, indicator=lower, value=4, as_of=dt.date(2023, 9, 30))
        if m.end_date.year > 2023:
            movements.indicator_report(actor=officer, indicator=lower, value=7, as_of=dt.date(2024, 3, 31))
        for i, steps in enumerate(
            [[], ["in_progress"], ["in_progress", "done"], ["in_progress", "done", "in_progress"]]
        ):
            task = movements.task_create(actor=officer, movement=m, unit=unit, title=f"Nhiệm vụ {i + 1}")
            for k, status in enumerate(steps):
                day = min(m.start_date + dt.timedelta(days=30 * (k + 1)), m.end_date)
                movements.task_set_status(actor=officer, task=task, status=status, on=day)
    return [a, b], gone, late


def _expected(m, as_of: dt.date) -> dict:
    day = min(max(as_of, m.start_date), m.end_date)
    prog = selectors.progress(m, day)
    s = selectors.movement_summary(m, day, prog=prog)
    keys = ["participants", "pledges", "indicators_total", "indicators_met", "tasks_total", "tasks_done",
            "tasks_in_progress", "tasks_not_started"]  # fmt: skip
    out = {k: s[k] for k in keys}
    out["indicator_lines"] = [
        {"code": st.indicator.code, "name": st.indicator.name,
         "share": float(st.share) if st.share is not None else None, "met": bool(st.met)}
        for st in prog.indicators
    ]  # fmt: skip
    return out


@pytest.mark.parametrize(
    "as_of", [dt.date(2022, 12, 31), dt.date(2023, 8, 15), dt.date(2023, 12, 31), dt.date(2025, 1, 1)]
)
def test_batched_movement_figures_equal_the_movement_pages(two_movements, as_of):
    ms, _, _ = two_movements
    got = movements_figures(ms, as_of)
    for m in ms:
        assert got[m.pk] == _expected(m, as_of)


def test_abolished_and_future_units_do_not_take_part(two_movements):
    (a, b), _, _ = two_movements
    got = movements_figures([a, b], dt.date(2023, 12, 31))
    # a: XA1's subtree (XA1, TH1; XA8 only from 2024) + SNV; TH1 named twice counts once
    assert got[a.pk]["participants"] == 3
    # b: the province's subtree without the commune abolished in 2022; XA8 exists from 2024 (in b's period)
    assert got[b.pk]["participants"] == 7
    assert got[b.pk]["indicators_met"] == 2 and got[b.pk]["tasks_done"] == 1


def test_the_2023_report_prints_the_batched_figures(two_movements, tree):
    (a, b), _, _ = two_movements
    fig = compute(unit=tree["TINH"], period_from=dt.date(2023, 1, 1), period_to=dt.date(2023, 12, 31))
    by_id = {m.id: m for m in fig.movements}
    assert (by_id[a.pk].indicators_met, by_id[a.pk].indicators_total) == (2, 3)
    assert (by_id[b.pk].tasks_done, by_id[b.pk].tasks_in_progress, by_id[b.pk].tasks_not_started) == (1, 2, 1)
    assert [line["met"] for line in by_id[b.pk].indicator_lines] == [True, True, False]
