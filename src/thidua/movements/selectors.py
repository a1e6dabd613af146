"""Reads on movements, narrowed to what the user may see, and the figures
computed from dated history ("11/13 chỉ tiêu đạt và vượt kế hoạch" as of a day).

Who sees a movement: anyone with ``movements.view`` over the launching unit,
over a participating unit, or over a unit *inside* a participating subtree —
a commune officer sees the province's movement that covers the commune.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, scope_anchors
from thidua.awards.enums import GRADE_RANK, Grade, RecordStatus
from thidua.awards.models import AwardRecord, Rating
from thidua.core.text import fold
from thidua.directory.models import GroupMembership, Unit
from thidua.movements import rules
from thidua.movements.enums import SchemeState, TaskStatus
from thidua.movements.models import (
    Indicator,
    IndicatorValue,
    KeyTask,
    Movement,
    Pledge,
    Registration,
    Review,
    Score,
    ScoreSheet,
    ScoringScheme,
    TaskStatusChange,
)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _within(prefix: str, unit: Unit, include_subunits: bool) -> Q:
    if include_subunits:
        return Q(**{f"{prefix}path__startswith": unit.path})
    return Q(**{f"{prefix}pk": unit.pk})


def ancestor_ids(unit: Unit) -> list[int]:
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def movements_for(user: Any, perm: str = Perm.VIEW_MOVEMENTS) -> QuerySet[Movement]:
    anchors = scope_anchors(user, perm)
    qs = Movement.objects.all()
    if anchors is None:
        return qs
    q = Q(pk__in=[])
    for u, below in anchors:
        q |= _within("launching_unit__", u, below)
        q |= _within("participants__unit__", u, below)
        q |= Q(participants__unit_id__in=ancestor_ids(u), participants__include_subunits=True)
    return qs.filter(q).distinct()


def movements_list(
    user: Any, *, q: str | None = None, kind: str | None = None, year: int | None = None
) -> QuerySet[Movement]:
    qs = movements_for(user).select_related("launching_unit")
    for term in [t for t in fold(q or "").split(" ") if t][:8]:
        qs = qs.filter(search_key__contains=term)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start_date__year__lte=year, end_date__year__gte=year)
    return qs.order_by("-start_date", "-id")


def visible_movement(user: Any, pk: int) -> Movement | None:
    return movements_for(user).select_related("launching_unit", "approving_unit").filter(pk=pk).first()


# --- participants --------------------------------------------------------------------


def _valid_in(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


def participant_units(movement: Movement) -> QuerySet[Unit]:
    """Every unit taking part, as the tree stood during the period (a commune
    abolished before the start, or created after the end, is not in it)."""
    q = Q(pk__in=[])
    for p in movement.participants.select_related("unit"):
        q |= Q(path__startswith=p.unit.path) if p.include_subunits else Q(pk=p.unit_id)
    return Unit.objects.filter(q).filter(_valid_in(movement.start_date, movement.end_date)).order_by("path")


def participation_test(movement: Movement) -> Callable[[Unit], bool]:
    """``takes_part`` for many units: the participants are read once (a bulk
    entry checks every row's unit without a query per row)."""
    participants = [
        (p.unit_id, p.include_subunits, p.unit.path) for p in movement.participants.select_related("unit")
    ]

    def test(unit: Unit) -> bool:
        if (unit.valid_to and unit.valid_to < movement.start_date) or (
            unit.valid_from and unit.valid_from > movement.end_date
        ):
            return False
        return any(
            uid == unit.pk or (below and unit.path.startswith(path)) for uid, below, path in participants
        )

    return test


def takes_part(movement: Movement, unit: Unit) -> bool:
    """Is ``unit`` among the participants (and did it exist during the period)?"""
    return participation_test(movement)(unit)


def registrants(movement: Movement) -> QuerySet[Unit]:
    """Units expected to register: the participating units named directly
    and, for a subtree, the units one level under its root (a province's
    movement is registered by its departments and districts, not by every
    village)."""
    q = Q(pk__in=[])
    for p in movement.participants.select_related("unit"):
        q |= Q(pk=p.unit_id)
        if p.include_subunits:
            q |= Q(parent_id=p.unit_id)
    return Unit.objects.filter(q).filter(_valid_in(movement.start_date, movement.end_date)).order_by("path")


def unregistered(movement: Movement, year: int) -> list[Unit]:
    """Chưa đăng ký: units expected to register that have not for ``year``."""
    done = Registration.objects.filter(movement=movement, year=year).values("unit_id")
    return list(registrants(movement).exclude(pk__in=done))


# --- indicators and tasks ----------------------------------------------------------------


@dataclass
class IndicatorStatus:
    indicator: Indicator
    actual: Decimal | None
    as_of: dt.date | None
    source: str
    share: Decimal | None
    met: bool

    @property
    def share_text(self) -> str:
        if self.actual is None:
            return "chưa có số liệu"
        if self.share is None:
            return "đạt kế hoạch" if self.met else "chưa đạt kế hoạch"
        return f"đạt {rules.percent_text(self.share)} kế hoạch"


@dataclass
class Progress:
    as_of: dt.date
    indicators: list[IndicatorStatus] = field(default_factory=list)
    tasks: list[tuple[KeyTask, str]] = field(default_factory=list)

    @property
    def indicators_total(self) -> int:
        return len(self.indicators)

    @property
    def indicators_met(self) -> int:
        return sum(1 for i in self.indicators if i.met)

    @property
    def task_counts(self) -> Counter:
        return Counter(status for _, status in self.tasks)

    @property
    def indicators_text(self) -> str:
        return f"{self.indicators_met}/{self.indicators_total} chỉ tiêu đạt và vượt kế hoạch"

    @property
    def tasks_text(self) -> str:
        n = len(self.tasks)
        c = self.task_counts
        text = (
            f"{c[TaskStatus.DONE]}/{n} nhiệm vụ hoàn thành, {c[TaskStatus.IN_PROGRESS]}/{n} đang triển khai"
        )
        if c[TaskStatus.NOT_STARTED]:
            text += f", {c[TaskStatus.NOT_STARTED]}/{n} chưa triển khai"
        return text


def progress(movement: Movement, as_of: dt.date, unit: Unit | None = None) -> Progress:
    """Indicators and key tasks as they stood at the end of ``as_of`` (inclusive):
    the latest value and status dated on or before it (correlated subqueries on
    the (indicator, as_of) and (task, on) indexes). Four queries whatever the size."""
    latest_value = (
        IndicatorValue.objects.filter(indicator=OuterRef("pk"), as_of__lte=as_of)
        .order_by("-as_of", "-id")
        .values("pk")[:1]
    )
    latest_status = (
        TaskStatusChange.objects.filter(task=OuterRef("pk"), on__lte=as_of)
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    ind_qs = movement.indicators.annotate(latest=Subquery(latest_value))
    task_qs = movement.tasks.annotate(status_then=Subquery(latest_status))
    if unit is not None:
        ind_qs = ind_qs.filter(unit=unit)
        task_qs = task_qs.filter(unit=unit)
    indicators = list(ind_qs.order_by("position", "id"))
    tasks = list(task_qs.order_by("position", "id"))
    # a few units shared by many rows: one query, not one instance per row
    units = Unit.objects.in_bulk({i.unit_id for i in indicators} | {t.unit_id for t in tasks})
    for row in (*indicators, *tasks):
        row.unit = units[row.unit_id]
    chosen = [i.latest for i in indicators if i.latest]
    latest = {
        row[0]: row[1:]
        for row in IndicatorValue.objects.filter(pk__in=chosen)
        .order_by()
        .values_list("indicator_id", "value", "as_of", "source")
    }
    result = Progress(as_of=as_of)
    for ind in indicators:
        found = latest.get(ind.pk)
        if found is None:
            result.indicators.append(IndicatorStatus(ind, None, None, "", None, False))
            continue
        value, day, source = found
        result.indicators.append(
            IndicatorStatus(
                ind,
                value,
                day,
                source,
                rules.share_of_plan(ind.plan_value, value, ind.direction),
                rules.is_met(ind.plan_value, value, ind.direction),
            )
        )
    result.tasks = [(t, t.status_then or TaskStatus.NOT_STARTED) for t in tasks]
    return result


# --- scoring -----------------------------------------------------------------------------


def group_leader(scheme: ScoringScheme) -> Unit | None:
    m = GroupMembership.objects.filter(group=scheme.group, year=scheme.year, is_leader=True).select_related(
        "unit"
    )
    return m[0].unit if m else None


def may_manage_scheme(user: Any, scheme: ScoringScheme) -> bool:
    return can_on_unit(user, Perm.MANAGE_MOVEMENTS, scheme.group.organiser)


def may_score_as_leader(user: Any, scheme: ScoringScheme) -> bool:
    leader = group_leader(scheme)
    return may_manage_scheme(user, scheme) or (
        leader is not None and can_on_unit(user, Perm.REPORT_MOVEMENTS, leader)
    )


def member_units(scheme_or_pledge: ScoringScheme | Pledge) -> list[Unit]:
    return [
        m.unit
        for m in GroupMembership.objects.filter(group=scheme_or_pledge.group, year=scheme_or_pledge.year)
        .select_related("unit")
        .order_by("-is_leader", "unit__name", "unit__pk")
    ]


def schemes_for(user: Any) -> QuerySet[ScoringScheme]:
    """Schemes of groups the user organises or belongs to (through a unit in scope)."""
    anchors = scope_anchors(user, Perm.VIEW_MOVEMENTS)
    qs = ScoringScheme.objects.select_related("group", "group__organiser")
    if anchors is None:
        return qs
    q = Q(pk__in=[])
    for u, below in anchors:
        q |= _within("group__organiser__", u, below)
        q |= Q(
            Exists(
                GroupMembership.objects.filter(
                    _within("unit__", u, below), group=OuterRef("group"), year=OuterRef("year")
                )
            )
        )
    return qs.filter(q)


def sheet_visible(user: Any, sheet: ScoreSheet) -> bool:
    """A unit sees its own sheet; the leader and the standing body see all; after
    publication everyone who sees the scheme sees the final sheets."""
    scheme = sheet.scheme
    if scheme.state == SchemeState.PUBLISHED:
        return True
    return can_on_unit(user, Perm.VIEW_MOVEMENTS, sheet.unit) or may_score_as_leader(user, scheme)


def criterion_points(score: Score) -> Decimal:
    if score.points is not None:
        return score.points
    return score.self_points or Decimal(0)


@dataclass
class SheetTotals:
    sheet: ScoreSheet
    total: Decimal
    self_total: Decimal
    by_group: dict[str, Decimal]


def sheet_totals(scheme: ScoringScheme) -> list[SheetTotals]:
    """Total per sheet: base and bonus items add, penalty items subtract. A
    criterion left blank by the scorer keeps the unit's self-score."""
    sheets = list(scheme.sheets.select_related("unit"))
    scores: dict[int, list[Score]] = {}
    for s in Score.objects.filter(sheet__scheme=scheme).select_related("criterion"):
        scores.setdefault(s.sheet_id, []).append(s)
    out = []
    for sheet in sheets:
        total = self_total = Decimal(0)
        by_group: dict[str, Decimal] = {}
        for s in scores.get(sheet.pk, []):
            sign = -1 if s.criterion.kind == "penalty" else 1
            pts = sign * criterion_points(s)
            total += pts
            self_total += sign * (s.self_points or 0)
            by_group[s.criterion.group_code] = by_group.get(s.criterion.group_code, Decimal(0)) + pts
        out.append(SheetTotals(sheet, total, self_total, by_group))
    return out


def ranking(scheme: ScoringScheme) -> list[rules.Ranked]:
    rows = sheet_totals(scheme)
    tie = scheme.tie_break
    return rules.rank(
        rows,
        total=lambda r: r.total,
        tie_value=(lambda r: r.by_group.get(tie, Decimal(0))) if tie else None,
        name=lambda r: r.sheet.unit.name,
    )


def ranking_for(user: Any, scheme: ScoringScheme) -> list[rules.Ranked] | None:
    """The ranking a user may see: the published one, or any state for the
    standing body and the group leader; None otherwise (drafts stay private)."""
    if scheme.state == SchemeState.PUBLISHED or may_score_as_leader(user, scheme):
        return ranking(scheme)
    return None


def tie_break_text(scheme: ScoringScheme) -> str:
    if not scheme.tie_break:
        return "Bằng tổng điểm thì đồng hạng; hạng kế tiếp được bỏ qua."
    name = (
        scheme.criteria.filter(group_code=scheme.tie_break).values_list("group_name", flat=True).first()
        or scheme.tie_break
    )
    return (
        f"Bằng tổng điểm thì đơn vị có điểm nhóm «{name}» cao hơn xếp trên; "
        "bằng cả hai thì đồng hạng, hạng kế tiếp được bỏ qua."
    )


# --- awards, ratings, summary ---------------------------------------------------------------


def movement_awards(movement: Movement) -> QuerySet[AwardRecord]:
    """Valid awards given under the movement: by name (imported history) or linked by a decision."""
    return (
        AwardRecord.objects.filter(status=RecordStatus.VALID)
        .filter(Q(movement_name=movement.name) | Q(movement_links__movement=movement))
        .distinct()
        .select_related("award_type", "person", "unit", "household")
        .order_by("-award_type__rank", "id")
    )


def awards_by_kind(movement: Movement) -> dict[str, int]:
    counts = Counter(movement_awards(movement).values_list("recipient_kind", flat=True))
    return {k: counts.get(k, 0) for k in ("collective", "individual", "household")}


def awards_text(counts: dict[str, int]) -> str:
    parts = [f"{counts['collective']} tập thể", f"{counts['individual']} cá nhân"]
    if counts.get("household"):
        parts.append(f"{counts['household']} hộ gia đình")
    return ", ".join(parts)


@dataclass
class RatingSummary:
    year: int
    rated: int
    completed_or_better: int
    excellent: int
    max_share: Decimal
    unrated: list[Unit]

    @property
    def completed_share(self) -> Decimal | None:
        return Decimal(self.completed_or_better) / self.rated * 100 if self.rated else None

    @property
    def excellent_share(self) -> Decimal | None:
        return Decimal(self.excellent) / self.rated * 100 if self.rated else None

    @property
    def cap_text(self) -> str:
        return rules.percent_text(self.max_share * 100)

    @property
    def exceeded(self) -> bool:
        return bool(self.rated) and Decimal(self.excellent) > self.max_share * self.rated

    @property
    def text(self) -> str:
        if not self.rated:
            return "Chưa có đơn vị nào được xếp loại."
        return (
            f"{rules.percent_text(self.completed_share)} cơ quan, đơn vị hoàn thành nhiệm vụ trở lên, "
            f"trong đó {rules.percent_text(self.excellent_share)} hoàn thành xuất sắc nhiệm vụ"
        )


def unit_excellent_cap() -> Decimal:
    """The ceiling on the share of units rated HTXSNV: data (awards/data/rating_caps.json,
    regime "unit", marked unconfirmed until a text is found), not a constant here."""
    from thidua.awards.services import rating_caps

    row = next((c for c in rating_caps() if c["regime"] == "unit"), None)
    return Decimal(str(row["max_share"])) if row else Decimal("1")


def rating_summary(movement: Movement, year: int, max_share: Decimal | None = None) -> RatingSummary:
    """The yearly ratings of the units expected to register (the same Rating rows
    the eligibility engine reads), their shares, and the HTXSNV cap check."""
    max_share = unit_excellent_cap() if max_share is None else max_share
    units = list(registrants(movement))
    grades = dict(Rating.objects.filter(unit__in=units, year=year).values_list("unit_id", "grade"))
    rated = len(grades)
    completed = sum(1 for g in grades.values() if GRADE_RANK[Grade(g)] >= GRADE_RANK[Grade.HTNV])
    excellent = sum(1 for g in grades.values() if g == Grade.HTXSNV)
    return RatingSummary(
        year, rated, completed, excellent, max_share, [u for u in units if u.pk not in grades]
    )


def movement_summary(movement: Movement, as_of: dt.date, prog: Progress | None = None) -> dict[str, Any]:
    """The at-a-glance counts (for the movement page and the reports app). ``prog``: the
    :func:`progress` of the same day when the caller has it already (the reports app
    also draws its indicator lines), so it is not computed twice."""
    prog = progress(movement, as_of) if prog is None else prog
    counts = prog.task_counts
    year = min(max(as_of.year, movement.start_date.year), movement.end_date.year)
    awards = awards_by_kind(movement)
    return {
        "movement": movement.pk,
        "as_of": as_of,
        "participants": participant_units(movement).count(),
        "registrants": registrants(movement).count(),
        "registered": Registration.objects.filter(movement=movement, year=year).count(),
        "pledges": Pledge.objects.filter(movement=movement).count(),
        "indicators_total": prog.indicators_total,
        "indicators_met": prog.indicators_met,
        "indicators_text": prog.indicators_text,
        "tasks_total": len(prog.tasks),
        "tasks_done": counts[TaskStatus.DONE],
        "tasks_in_progress": counts[TaskStatus.IN_PROGRESS],
        "tasks_not_started": counts[TaskStatus.NOT_STARTED],
        "tasks_text": prog.tasks_text,
        "awards": awards,
        "awards_text": awards_text(awards),
        "reviews": Review.objects.filter(movement=movement).count(),
    }


def registrations_list(user: Any, movement: Movement) -> list[Registration]:
    """All registrations for the standing body; a unit officer sees those of its scope."""
    qs = movement.registrations.select_related("unit").order_by("year", "unit__name")
    if can_on_unit(user, Perm.MANAGE_MOVEMENTS, movement.launching_unit):
        return list(qs)
    return [r for r in qs if can_on_unit(user, Perm.VIEW_MOVEMENTS, r.unit)]


def may_manage(user: Any, movement: Movement) -> bool:
    return can_on_unit(user, Perm.MANAGE_MOVEMENTS, movement.launching_unit)


def may_report_any(user: Any) -> bool:
    return has_perm(user, Perm.REPORT_MOVEMENTS)
