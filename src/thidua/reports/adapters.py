"""The reports app's only doors into the movements and contests modules.

Both are being written alongside this app; each adapter imports lazily and
answers "no data" (an empty list, ``None``) when the module, the model or the
selector it needs is not there yet, so a report never fails because a module
has nothing to say. When they change shape, only this file changes.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Q

from thidua.directory.models import Unit

logger = logging.getLogger("thidua.reports")


def subtree(units: list[Unit], include_subunits: bool, prefix: str) -> Q:
    """The report's units — with their subtrees, or alone when the user may not
    see below them (then nothing below is read)."""
    q = Q(pk__in=[])
    for u in units:
        if include_subunits:
            q |= Q(**{f"{prefix}path__startswith": u.path})
        else:
            q |= Q(**{f"{prefix}pk": u.pk})
    return q


# --- movements ------------------------------------------------------------------------------


def movement_model() -> Any | None:
    try:
        from thidua.movements.models import Movement
    except ImportError:
        return None
    return Movement


def visible_movement(user: Any, pk: int) -> Any | None:
    """The movement ``pk`` if the user may see it, else None (unknown or outside scope alike)."""
    try:
        from thidua.movements import selectors
    except ImportError:
        return None
    if not hasattr(selectors, "visible_movement") or not 0 < pk < 2**62:
        return None
    return selectors.visible_movement(user, pk)


def movement_award_q(movement: Any) -> Q:
    """Registry rows given under ``movement``: by name (imported history) or linked by a decision."""
    q = Q(movement_name=movement.name)
    try:
        from thidua.movements.models import MovementAward
    except ImportError:
        return q
    return q | Q(pk__in=MovementAward.objects.filter(movement=movement).values("record_id"))


def movements_of(
    units: list[Unit], start: dt.date, end: dt.date, only: Any | None = None, include_subunits: bool = True
) -> list[Any]:
    """Movements launched by a unit of the report's subtree (or by the unit itself) during the period."""
    Movement = movement_model()
    if Movement is None:
        return []
    if only is not None:
        return [only]
    qs = Movement.objects.filter(
        subtree(units, include_subunits, "launching_unit__"), start_date__lte=end, end_date__gte=start
    )
    return list(qs.select_related("launching_unit").order_by("start_date", "pk"))


def movements_joined(unit: Unit, start: dt.date, end: dt.date) -> list[Any]:
    """Movements of the period ``unit`` takes part in (named, or under a participant taking
    its subtree) — a unit's own dashboard follows these, whoever launched them."""
    Movement = movement_model()
    if Movement is None:
        return []
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    q = Q(participants__unit=unit) | Q(
        participants__unit_id__in=ancestors, participants__include_subunits=True
    )
    qs = Movement.objects.filter(q, start_date__lte=end, end_date__gte=start).distinct()
    return list(qs.order_by("start_date", "pk"))


def unit_progress(movement: Any, unit: Unit, as_of: dt.date) -> dict[str, int]:
    """The unit's own indicators and key tasks in ``movement`` (``movements.selectors.progress``
    narrowed to the unit)."""
    from thidua.movements import selectors
    from thidua.movements.enums import TaskStatus

    as_of = min(max(as_of, movement.start_date), movement.end_date)
    prog = selectors.progress(movement, as_of, unit=unit)
    counts = prog.task_counts
    return {
        "indicators_total": prog.indicators_total,
        "indicators_met": prog.indicators_met,
        "tasks_total": len(prog.tasks),
        "tasks_done": counts[TaskStatus.DONE],
        "tasks_in_progress": counts[TaskStatus.IN_PROGRESS],
        "tasks_not_started": counts[TaskStatus.NOT_STARTED],
    }


# --- Khối/Cụm scoring -----------------------------------------------------------------------


def published_schemes(
    units: list[Unit], include_subunits: bool, years: list[int], movement: Any | None = None
) -> list[Any]:
    """Published scoring schemes of ``years`` of a Khối/Cụm organised in the report's scope
    or that ranked a report unit (its own line is then shown), by group and year."""
    try:
        from thidua.movements.enums import SchemeState
        from thidua.movements.models import ScoringScheme
    except ImportError:
        return []
    if not years:
        return []
    ranked_here = ScoringScheme.objects.filter(sheets__unit__in=units).values("pk")
    qs = (
        ScoringScheme.objects.filter(state=SchemeState.PUBLISHED, year__in=years)
        .filter(subtree(units, include_subunits, "group__organiser__") | Q(pk__in=ranked_here))
        .select_related("group", "group__organiser")
        .order_by("group__kind", "group__name", "year", "pk")
    )
    if movement is not None:
        qs = qs.filter(movement=movement)
    return list(qs.distinct())


def scheme_ranking(scheme: Any) -> list[tuple[Unit, Any, int]]:
    """(unit, total score, rank) in ranking order — ``movements.selectors.ranking`` (competition
    ranking with the scheme's tie-break), the numbers the movement's own pages publish."""
    from thidua.movements import selectors

    return [(r.item.sheet.unit, r.total, r.rank) for r in selectors.ranking(scheme)]


def schemed_movements(movement_ids: list[int]) -> set[int]:
    """Which of these movements are scored by a Khối/Cụm (a scoring scheme names them)."""
    try:
        from thidua.movements.models import ScoringScheme
    except ImportError:
        return set()
    return set(
        ScoringScheme.objects.filter(movement_id__in=movement_ids).values_list("movement_id", flat=True)
    )


def flag_candidates(award_type_ids: list[int], year: int, unit_ids: list[int]) -> list[Any]:
    """Candidates (not withdrawn) for one of ``award_type_ids`` for ``year`` among ``unit_ids``."""
    try:
        from thidua.nominations.models import Candidate, CandidateState
    except ImportError:
        return []
    return list(
        Candidate.objects.filter(award_type_id__in=award_type_ids, year=year, unit_id__in=unit_ids)
        .exclude(state=CandidateState.WITHDRAWN)
        .select_related("unit", "dossier__deciding_unit")
        .order_by("unit__name", "pk")
    )


# --- contests -------------------------------------------------------------------------------


def contests_of(units: list[Unit], start: dt.date, end: dt.date, include_subunits: bool = True) -> list[Any]:
    """Contests organised in the subtree with a round open during the period
    (a contest without rounds counts by the day it was created)."""
    try:
        from thidua.contests.models import Contest
    except ImportError:
        return []
    qs = Contest.objects.filter(subtree(units, include_subunits, "organiser__")).exclude(status="draft")
    in_period = Q(rounds__opens_at__date__lte=end, rounds__closes_at__date__gte=start) | Q(
        rounds__isnull=True, created_at__date__gte=start, created_at__date__lte=end
    )
    return list(qs.filter(in_period).distinct().order_by("created_at", "pk"))


def contest_figures(contest: Any) -> dict[str, Any] | None:
    """The organiser's statistics (``contests.selectors.contest_stats``) or None."""
    try:
        from thidua.contests import selectors
    except ImportError:
        return None
    stats_fn = getattr(selectors, "contest_stats", None)
    if stats_fn is None:
        return None
    s = stats_fn(contest)
    return {
        "invited_units": s.invited_units,
        "units_with_participants": s.units_with_participants,
        "participants": s.participants,
        "attempts": s.attempts,
        "max_score_participants": s.max_score_participants,
        "all_correct_attempts": s.all_correct_attempts,
        "per_day": [{"day": d["day"].isoformat(), "attempts": d["attempts"]} for d in s.per_day],
    }


def unit_contest_reach(
    units: list[Unit], include_subunits: bool, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """For a unit's own dashboard: each contest of the period its people took part in
    (whoever organised it), with the participants and attempts from the unit alone."""
    try:
        from thidua.contests.models import Contest, Participant
    except ImportError:
        return []
    from django.db.models import Count, Sum

    mine = Participant.objects.filter(subtree(units, include_subunits, "unit__"))
    in_period = Q(rounds__opens_at__date__lte=end, rounds__closes_at__date__gte=start) | Q(
        rounds__isnull=True, created_at__date__gte=start, created_at__date__lte=end
    )
    contests = (
        Contest.objects.exclude(status="draft")
        .filter(in_period, pk__in=mine.values("contest_id"))
        .distinct()
        .order_by("created_at", "pk")
    )
    out = []
    for c in contests:
        agg = mine.filter(contest=c).aggregate(n=Count("id"), attempts=Sum("attempt_count"))
        out.append({"id": c.pk, "name": c.name, "participants": agg["n"], "attempts": agg["attempts"] or 0})
    return out
