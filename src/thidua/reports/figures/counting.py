"""Counting a report's figures (see the package doc for the period and units rules)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from thidua.awards.enums import AuthorityLevel, Category, Grade, RecordStatus
from thidua.awards.models import AwardRecord, AwardType, Rating
from thidua.directory.models import Person, Unit
from thidua.directory.selectors import lineage
from thidua.reports import adapters
from thidua.reports.figures.model import (
    COMPLETED,
    KINDS,
    LEVEL_ORDER,
    AwardLine,
    ContestFigures,
    Figures,
    GradeLine,
    MovementFigures,
    PrizeLine,
    RatingFigures,
    UnitLine,
    UpwardFigures,
    YearLine,
    share,
)
from thidua.reports.figures.movements import movements_figures
from thidua.reports.groups import group_figures
from thidua.reports.routers import reporting


def report_units(unit: Unit) -> list[Unit]:
    """The report unit and its predecessors (transitively): whose history it reports."""
    return lineage(unit)


_subtree = adapters.subtree


def _achievement_in(start: dt.date, end: dt.date) -> Q:
    """Awards whose achievement period ends inside [start, end] (see the module doc)."""
    whole_years = [y for y in range(start.year, end.year + 1) if start <= dt.date(y, 12, 31) <= end]
    # The year range first (an indexed AND the database can use; an achievement ending
    # in the period belongs to a year next to it), then the exact rule.
    near = Q(year__gte=start.year - 1, year__lte=end.year + 1)
    return near & (
        Q(period_end__gte=start, period_end__lte=end) | Q(period_end__isnull=True, year__in=whole_years)
    )


def _rating_years(start: dt.date, end: dt.date) -> list[int]:
    return [y for y in range(start.year, end.year + 1) if start <= dt.date(y, 12, 31) <= end]


def award_queryset(
    units: list[Unit], include_subunits: bool, start: dt.date, end: dt.date, movement: Any | None = None
) -> QuerySet[AwardRecord]:
    qs = AwardRecord.objects.filter(
        _subtree(units, include_subunits, "owner_unit__"), status=RecordStatus.VALID
    ).filter(_achievement_in(start, end))
    if movement is not None:
        qs = qs.filter(adapters.movement_award_q(movement))
    return qs


def _recipients() -> dict[str, Count]:
    # One recipient counts once per award type and level (as awards.selectors.award_stats).
    return {
        "collective": Count("unit_id", distinct=True, filter=Q(recipient_kind="collective")),
        "individual": Count("person_id", distinct=True, filter=Q(recipient_kind="individual")),
        "household": Count("household_id", distinct=True, filter=Q(recipient_kind="household")),
    }


def _awards(qs: QuerySet[AwardRecord]) -> list[AwardLine]:
    rows = list(qs.order_by().values("award_type_id", "authority_level").annotate(**_recipients()))
    types = AwardType.objects.in_bulk({r["award_type_id"] for r in rows})
    labels = dict(AuthorityLevel.choices)
    lines = []
    for r in rows:
        t = types[r["award_type_id"]]
        lines.append(
            AwardLine(
                award_type=t.code,
                name=t.name,
                category=t.category,
                rank=t.rank,
                authority_level=r["authority_level"],
                authority_label=labels.get(r["authority_level"], "Chưa rõ cấp"),
                **{k: r[k] for k in KINDS},
            )
        )
    level_pos = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    lines.sort(
        key=lambda a: (
            level_pos.get(a.authority_level, 99),
            a.category != Category.TITLE,
            a.rank,
            a.award_type,
        )
    )
    return lines


def _ratings(qs: QuerySet[Rating], subject: str) -> RatingFigures:
    counts = dict(qs.order_by().values_list("grade").annotate(n=Count("id")))
    rated = sum(counts.values())
    result = RatingFigures(subject=subject, rated=rated)
    for g in Grade:
        n = counts.get(g.value, 0)
        result.grades.append(GradeLine(g.value, g.label, n, share(n, rated)))
    result.completed_or_better = sum(counts.get(g.value, 0) for g in COMPLETED)
    result.excellent = counts.get(Grade.HTXSNV.value, 0)
    result.completed_share = share(result.completed_or_better, rated)
    result.excellent_share = share(result.excellent, rated)
    return result


def _upward(units: list[Unit], include_subunits: bool, start: dt.date, end: dt.date) -> UpwardFigures:
    try:
        from thidua.nominations.models import Candidate, CandidateState, Dossier
    except ImportError:
        return UpwardFigures()
    dossiers = Dossier.objects.filter(
        _subtree(units, include_subunits, "proposer_unit__"),
        parent__isnull=False,
        letter_date__gte=start,
        letter_date__lte=end,
    )
    states = dict(
        Candidate.objects.filter(dossier__in=dossiers)
        .exclude(state=CandidateState.WITHDRAWN)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
    )
    total = sum(states.values())
    awarded = states.get(CandidateState.AWARDED, 0)
    not_awarded = states.get(CandidateState.NOT_AWARDED, 0)
    return UpwardFigures(
        dossiers=dossiers.count(),
        candidates=total,
        awarded=awarded,
        not_awarded=not_awarded,
        pending=total - awarded - not_awarded,
    )


def _by_year(units: list[Unit], include_subunits: bool, end: dt.date, movement: Any | None) -> list[YearLine]:
    """Awards per achievement year over the five years ending with the period's last year."""
    years = list(range(end.year - 4, end.year + 1))
    qs = AwardRecord.objects.filter(
        _subtree(units, include_subunits, "owner_unit__"), status=RecordStatus.VALID, year__in=years
    )
    if movement is not None:
        qs = qs.filter(adapters.movement_award_q(movement))
    rows = {
        r["year"]: r
        for r in qs.order_by()
        .values("year")
        .annotate(
            collective=Count("id", filter=Q(recipient_kind="collective")),
            individual=Count("id", filter=Q(recipient_kind="individual")),
            household=Count("id", filter=Q(recipient_kind="household")),
        )
    }
    return [YearLine(y, **{k: rows.get(y, {}).get(k, 0) for k in KINDS}) for y in years]


def _award_groups(awards_qs: QuerySet[AwardRecord]) -> list[dict[str, Any]]:
    """The period's awards counted once per owner unit × award type × recipient kind ×
    budget source, with the prize money: the awards-by-unit table and the prize money by
    source both add these up (one pass over the registry instead of two)."""
    # Type ids, not codes (no join), and the owner last in the GROUP BY: SQLite then reads
    # the registry's covering index (awards.AwardRecord's ``award_report_cover``) for the
    # period's years instead of one table lookup per award.
    rows = list(
        awards_qs.order_by()
        .values("award_type_id", "recipient_kind", "budget_source", "owner_unit_id", "owner_unit__path")
        .annotate(n=Count("id"), paid=Count("prize_amount"), amount=Sum("prize_amount"))
    )
    codes = dict(
        AwardType.objects.filter(pk__in={r["award_type_id"] for r in rows}).values_list("pk", "code")
    )
    for r in rows:
        r["award_type__code"] = codes[r["award_type_id"]]
    return rows


def _prize_money(groups: list[dict[str, Any]]) -> list[PrizeLine]:
    """Prize money by budget source: the awards with an amount recorded (zero included)."""
    money: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in groups:
        if not r["paid"]:
            continue
        key = r["budget_source"] or "Chưa ghi nguồn"
        money[key][0] += r["paid"]
        money[key][1] += r["amount"] or 0
    return [PrizeLine(k, v[0], v[1]) for k, v in sorted(money.items())]


def _by_unit(
    unit: Unit,
    units: list[Unit],
    include_subunits: bool,
    groups: list[dict[str, Any]],
    rating_q: Q,
    with_staff: bool,
    start: dt.date,
    end: dt.date,
) -> list[UnitLine]:
    """Per unit of the subtree: the direct children of the report units (their
    own subtrees folded in) plus the report units themselves."""
    roots = {u.pk: u for u in units}
    # The tree as it stood: children that existed at some point of the period.
    alive = (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    children = list(Unit.objects.filter(alive, parent__in=units).order_by("path")) if include_subunits else []
    lines: dict[int, UnitLine] = {}
    prefixes: list[tuple[str, int]] = []
    for u in [*units, *children]:
        lines[u.pk] = UnitLine(u.pk, u.code, u.name)
    for c in children:
        prefixes.append((c.path, c.pk))
    prefixes.sort(key=lambda p: -len(p[0]))

    def bucket(owner_id: int, owner_path: str) -> int:
        for prefix, pk in prefixes:
            if owner_path.startswith(prefix):
                return pk
        return (
            owner_id
            if owner_id in roots
            else next((pk for pk, r in roots.items() if owner_path.startswith(r.path)), unit.pk)
        )

    for r in groups:
        line = lines[bucket(r["owner_unit_id"], r["owner_unit__path"])]
        by_kind = line.awards.setdefault(r["award_type__code"], {k: 0 for k in KINDS})
        by_kind[r["recipient_kind"]] += r["n"]
    ratings = Rating.objects.filter(rating_q)
    for r in ratings.filter(unit__isnull=False).order_by().values("unit_id", "grade"):
        if r["unit_id"] in lines:
            lines[r["unit_id"]].unit_grade = r["grade"]
    for r in (
        ratings.filter(person__isnull=False)
        .order_by()
        .values("owner_unit_id", "owner_unit__path", "grade")
        .annotate(n=Count("id"))
    ):
        line = lines[bucket(r["owner_unit_id"], r["owner_unit__path"])]
        line.people_grades[r["grade"]] = line.people_grades.get(r["grade"], 0) + r["n"]
    if with_staff:
        # Unit ids first, then one GROUP BY on the person table's unit index
        # (joining the tree per person row was 10× slower on 120,000 people).
        paths = dict(Unit.objects.filter(_subtree(units, include_subunits, "")).values_list("pk", "path"))
        staff = (
            Person.objects.filter(unit_id__in=list(paths), is_active=True)
            .order_by()
            .values_list("unit_id")
            .annotate(n=Count("id"))
        )
        for unit_id, n in staff:
            lines[bucket(unit_id, paths[unit_id])].staff += n
    return list(lines.values())


def compute(
    *,
    unit: Unit,
    period_from: dt.date,
    period_to: dt.date,
    include_subunits: bool = True,
    movement: Any | None = None,
    with_staff: bool = False,
    own: bool = False,
) -> Figures:
    """Every figure of a report. Two extras for the dashboards, not report figures:
    ``with_staff`` — the people working in each unit now (the standing body's "per 100
    staff"); ``own`` — the unit's own movements and contest reach (a unit officer's view).
    The caller has checked the user's right to ``unit`` and that ``movement`` (if any)
    is visible to them; the period is valid."""
    with reporting():  # on the read replica when REPORTS_DATABASE_URL is set
        fig = _compute(unit, period_from, period_to, include_subunits, movement, with_staff)
        if own:
            _own(fig, unit, report_units(unit), include_subunits, period_from, period_to)
        return fig


def _own(
    fig: Figures, unit: Unit, units: list[Unit], include_subunits: bool, start: dt.date, end: dt.date
) -> None:
    for m in adapters.movements_joined(unit, start, end):
        data = adapters.unit_progress(m, unit, end)
        fig.own_movements.append(
            MovementFigures(id=m.pk, name=m.name, start_date=m.start_date, end_date=m.end_date, **data)
        )
    fig.own_contests = adapters.unit_contest_reach(units, include_subunits, start, end)


def _compute(
    unit: Unit,
    period_from: dt.date,
    period_to: dt.date,
    include_subunits: bool,
    movement: Any | None,
    with_staff: bool,
) -> Figures:
    units = report_units(unit)
    fig = Figures(
        unit_id=unit.pk,
        unit_code=unit.code,
        unit_name=unit.name,
        unit_kind=unit.kind,
        include_subunits=include_subunits,
        period_from=period_from,
        period_to=period_to,
        movement_id=movement.pk if movement is not None else None,
        lineage=[u.code for u in units],
    )
    awards_qs = award_queryset(units, include_subunits, period_from, period_to, movement)
    fig.awards = _awards(awards_qs)
    fig.award_totals = {k: sum(getattr(a, k) for a in fig.awards) for k in KINDS}
    fig.awards_by_year = _by_year(units, include_subunits, period_to, movement)

    rating_q = _subtree(units, include_subunits, "owner_unit__") & Q(
        year__in=_rating_years(period_from, period_to)
    )
    ratings = Rating.objects.filter(rating_q)
    # "số cơ quan, đơn vị của huyện": the units under the report unit, not the unit itself.
    unit_ratings = ratings.filter(unit__isnull=False)
    if include_subunits:
        unit_ratings = unit_ratings.exclude(unit__in=units)
    fig.unit_ratings = _ratings(unit_ratings, "units")
    fig.people_ratings = _ratings(ratings.filter(person__isnull=False), "people")

    groups = _award_groups(awards_qs)
    fig.prize_money = _prize_money(groups)
    fig.prize_total = sum(p.amount for p in fig.prize_money)

    fig.upward = _upward(units, include_subunits, period_from, period_to)

    movements = adapters.movements_of(units, period_from, period_to, movement, include_subunits)
    counted = movements_figures(movements, period_to)  # a few queries for all of them
    for m in movements:
        data = counted.get(m.pk)
        if data is None:
            continue
        fig.movements.append(
            MovementFigures(
                id=m.pk,
                name=m.name,
                start_date=m.start_date,
                end_date=m.end_date,
                participants=data.get("participants", 0),
                pledges=data.get("pledges", 0),
                indicators_total=data.get("indicators_total", 0),
                indicators_met=data.get("indicators_met", 0),
                tasks_total=data.get("tasks_total", 0),
                tasks_done=data.get("tasks_done", 0),
                tasks_in_progress=data.get("tasks_in_progress", 0),
                tasks_not_started=data.get("tasks_not_started", 0),
                indicator_lines=data.get("indicator_lines", []),
                kind=m.kind,
                launching_kind=m.launching_unit.kind,
            )
        )
    if movement is None:
        for c in adapters.contests_of(units, period_from, period_to, include_subunits):
            data = adapters.contest_figures(c)
            if data is not None:
                fig.contests.append(ContestFigures(id=c.pk, name=c.name, **data))
    fig.groups = group_figures(units, include_subunits, period_from, period_to, movement)
    fig.by_unit = _by_unit(
        unit, units, include_subunits, groups, rating_q, with_staff, period_from, period_to
    )
    return fig
