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
    return list(qs.order_by("start_date", "pk"))


def movement_figures(movement: Any, as_of: dt.date) -> dict[str, Any] | None:
    """``movements.selectors.movement_summary`` plus the indicator lines for the
    "against plan" chart; None when the module offers no summary."""
    try:
        from thidua.movements import selectors
    except ImportError:
        return None
    summary_fn = getattr(selectors, "movement_summary", None)
    if summary_fn is None:
        return None
    as_of = min(max(as_of, movement.start_date), movement.end_date)
    data = dict(summary_fn(movement, as_of))
    lines: list[dict[str, Any]] = []
    progress_fn = getattr(selectors, "progress", None)
    if progress_fn is not None:
        for st in progress_fn(movement, as_of).indicators:
            share = getattr(st, "share", None)
            lines.append(
                {
                    "code": st.indicator.code,
                    "name": st.indicator.name,
                    "share": float(share) if share is not None else None,
                    "met": bool(st.met),
                }
            )
    data["indicator_lines"] = lines
    return data


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
