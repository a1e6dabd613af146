"""The dashboard's charts as data: one definition per chart serves the
Chart.js drawing, the table fallback under it and its "tải số liệu (XLSX)"
download, so the three never disagree. Built from :class:`Figures` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thidua.awards.enums import Grade
from thidua.reports.figures import KIND_LABELS, Figures, MovementFigures, share
from thidua.reports.selectors import STANDING, UNIT
from thidua.reports.sentences import vn_number


@dataclass
class Chart:
    key: str
    title: str
    type: str  # Chart.js type
    labels: list[str]
    datasets: list[dict[str, Any]]
    stacked: bool = False
    horizontal: bool = False
    note: str = ""
    extra_columns: list[tuple[str, list[Any]]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return ["", *[d["label"] for d in self.datasets], *[c[0] for c in self.extra_columns]]

    @property
    def rows(self) -> list[list[Any]]:
        return [
            [label, *[d["data"][i] for d in self.datasets], *[c[1][i] for c in self.extra_columns]]
            for i, label in enumerate(self.labels)
        ]

    @property
    def display_rows(self) -> list[list[str]]:
        """The rows as shown in the table fallback: 26.461, 12,5."""
        return [
            [r[0], *[vn_number(v) if isinstance(v, (int, float)) else str(v) for v in r[1:]]]
            for r in self.rows
        ]

    @property
    def is_empty(self) -> bool:
        return not any(v for d in self.datasets for v in d["data"] if isinstance(v, (int, float)))

    def config(self) -> dict[str, Any]:
        """The Chart.js configuration (JSON, rendered with json_script)."""
        scales: dict[str, Any] = {
            "x": {"stacked": self.stacked},
            "y": {"stacked": self.stacked, "beginAtZero": True},
        }
        return {
            "type": self.type,
            "data": {"labels": self.labels, "datasets": self.datasets},
            "options": {
                "indexAxis": "y" if self.horizontal else "x",
                "responsive": True,
                "maintainAspectRatio": False,
                "animation": False,
                "scales": scales,
                "plugins": {"legend": {"position": "bottom"}, "title": {"display": False}},
            },
        }


def _per100(n: int, staff: int) -> float | str:
    """Awards per 100 staff: :func:`figures.share` (one decimal, half up), "—" without staff."""
    value = share(n, staff)
    return "—" if value is None else float(value)


def _by_year(fig: Figures) -> Chart:
    return Chart(
        "theo-nam",
        "Số lượt khen thưởng theo năm",
        "bar",
        [str(y.year) for y in fig.awards_by_year],
        [{"label": KIND_LABELS[k], "data": [getattr(y, k) for y in fig.awards_by_year]} for k in KIND_LABELS],
        stacked=True,
    )


def _by_form(fig: Figures) -> Chart:
    return Chart(
        "theo-hinh-thuc",
        "Khen thưởng theo hình thức",
        "bar",
        [f"{a.name} ({a.authority_label})" for a in fig.awards],
        [{"label": KIND_LABELS[k], "data": [getattr(a, k) for a in fig.awards]} for k in KIND_LABELS],
        stacked=True,
        horizontal=True,
    )


def _by_unit(fig: Figures) -> Chart:
    units = [u for u in fig.by_unit if u.awards_total or u.staff]
    return Chart(
        "theo-don-vi",
        "So sánh giữa các đơn vị",
        "bar",
        [u.name for u in units],
        [
            {"label": "Số lượt khen thưởng", "data": [u.awards_total for u in units]},
            {"label": "Trên 100 người", "data": [_per100(u.awards_total, u.staff) for u in units]},
        ],
        note="“Trên 100 người”: số lượt khen thưởng trên 100 người đang công tác tại đơn vị.",
        extra_columns=[("Số người đang công tác", [u.staff for u in units])],
    )


def _movements(movements: list[MovementFigures], title: str) -> Chart:
    return Chart(
        "phong-trao",
        title,
        "bar",
        [m.name for m in movements],
        [
            {"label": "Chỉ tiêu đạt, vượt", "data": [m.indicators_met for m in movements]},
            {"label": "Tổng số chỉ tiêu", "data": [m.indicators_total for m in movements]},
            {"label": "Nhiệm vụ hoàn thành", "data": [m.tasks_done for m in movements]},
            {"label": "Tổng số nhiệm vụ", "data": [m.tasks_total for m in movements]},
        ],
        horizontal=True,
    )


def _contest_days(fig: Figures) -> Chart:
    days = sorted({d["day"] for c in fig.contests for d in c.per_day})
    return Chart(
        "cuoc-thi",
        "Lượt thi theo ngày",
        "line",
        [f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in days],
        [
            {
                "label": c.name,
                "data": [next((x["attempts"] for x in c.per_day if x["day"] == d), 0) for d in days],
            }
            for c in fig.contests
        ],
    )


def _ratings(fig: Figures) -> Chart:
    labels = dict(Grade.choices)
    own = labels.get(fig.own_grade, "")
    return Chart(
        "xep-loai",
        "Xếp loại chất lượng cán bộ, công chức, viên chức",
        "bar",
        [g.label for g in fig.people_ratings.grades],
        [{"label": "Số người", "data": [g.count for g in fig.people_ratings.grades]}],
        note=f"Xếp loại của đơn vị: {own}." if own else "Đơn vị chưa được xếp loại trong kỳ.",
        extra_columns=[
            ("Tỷ lệ (%)", [float(g.share) if g.share is not None else "—" for g in fig.people_ratings.grades])
        ],
    )


def _own_contests(fig: Figures) -> Chart:
    return Chart(
        "cuoc-thi",
        "Người của đơn vị tham gia các cuộc thi",
        "bar",
        [c["name"] for c in fig.own_contests],
        [
            {"label": "Người dự thi", "data": [c["participants"] for c in fig.own_contests]},
            {"label": "Lượt thi", "data": [c["attempts"] for c in fig.own_contests]},
        ],
        horizontal=True,
    )


def charts(fig: Figures, layout: str = STANDING) -> list[Chart]:
    """The panels of a dashboard. The standing body (``STANDING``) sees its subtree: awards
    per year and per form, the comparison between units (absolute and per 100 staff), the
    movements it launched, contest reach over time. A unit (``UNIT``) sees itself: its awards
    per year, its ratings, its own part in the movements it takes part in and in contests —
    and no comparison between units (``fig`` then comes from ``compute(own=True)``)."""
    if layout == UNIT:
        return [
            _by_year(fig),
            _ratings(fig),
            _movements(fig.own_movements, "Tiến độ của đơn vị trong các phong trào thi đua"),
            _own_contests(fig),
        ]
    return [
        _by_year(fig),
        _by_form(fig),
        _by_unit(fig),
        _movements(fig.movements, "Tiến độ các phong trào thi đua"),
        _contest_days(fig),
    ]


def chart(fig: Figures, key: str, layout: str = STANDING) -> Chart | None:
    return next((c for c in charts(fig, layout) if c.key == key), None)
