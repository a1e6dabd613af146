"""The movements' figures of a report, counted for all its movements at once.

A province's annual summary lists dozens of movements. Asking
``movements.selectors.movement_summary`` and ``progress`` once per movement
costs about a dozen queries each — and the summary also counts the awards given
under the movement by scanning the registry, a figure the report does not
print: 50 movements over 1,000,000 registry rows took seconds
(bench/report_summary.py). Here the same figures come from five queries
whatever the number of movements: indicators with their latest value, key
tasks by their latest status, participants, participating units, pledges.

The rules stay the movements module's: the value or status dated on or before
the day (the latest by date, then by id), ``movements.rules.is_met`` and
``share_of_plan``, the participating units as the tree stood during the movement
(``selectors.participant_units``); tests/reports/test_movement_figures_batch.py
checks the counts against ``movement_summary`` and ``progress``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, DateField, F, OuterRef, Q, Subquery, Value, When

from thidua.directory.models import Unit


def _as_of_expr(as_of: dt.date, prefix: str = "movement__") -> Case:
    """The report's last day clamped into each movement's own dates (per row, in SQL)."""
    return Case(
        When(**{f"{prefix}end_date__lt": as_of}, then=F(f"{prefix}end_date")),
        When(**{f"{prefix}start_date__gt": as_of}, then=F(f"{prefix}start_date")),
        default=Value(as_of),
        output_field=DateField(),
    )


def _participating_units(movements: list[Any]) -> dict[int, int]:
    """Per movement: how many units take part, as the tree stood during its period
    (``selectors.participant_units(m).count()``), from two queries for all of them."""
    from thidua.movements.models import Participant

    rows = list(
        Participant.objects.filter(movement__in=movements).values_list(
            "movement_id", "unit_id", "include_subunits", "unit__path"
        )
    )
    roots = sorted({path for _, _, below, path in rows if below})
    merged: list[str] = []
    for path in roots:  # sorted: a subtree's root comes before anything under it
        if not merged or not path.startswith(merged[-1]):
            merged.append(path)
    q = Q(pk__in={uid for _, uid, below, _ in rows if not below})
    for path in merged:
        q |= Q(path__startswith=path)
    units = sorted(Unit.objects.filter(q).values_list("path", "pk", "valid_from", "valid_to"))
    paths = [u[0] for u in units]
    by_pk = {u[1]: u for u in units}
    dated = [u for u in units if u[2] is not None or u[3] is not None]
    per: dict[int, list[tuple[int, bool, str]]] = defaultdict(list)
    for mid, uid, below, path in rows:
        per[mid].append((uid, below, path))
    out: dict[int, int] = {}
    for m in movements:
        start, end = m.start_date, m.end_date
        ranges: list[tuple[int, int]] = []
        singles: set[int] = set()
        for uid, below, path in per.get(m.pk, []):
            if below:
                lo = bisect.bisect_left(paths, path)
                hi = bisect.bisect_left(paths, path[:-1] + chr(ord(path[-1]) + 1), lo)
                ranges.append((lo, hi))
            else:
                singles.add(uid)
        ranges.sort()
        spans: list[list[int]] = []
        for lo, hi in ranges:
            if spans and lo <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])

        def covered(path: str, spans: list[list[int]] = spans) -> bool:
            i = bisect.bisect_left(paths, path)
            return any(lo <= i < hi for lo, hi in spans)

        count = sum(hi - lo for lo, hi in spans)
        count += sum(1 for uid in singles if uid in by_pk and not covered(by_pk[uid][0]))
        # units of the spans or the singles that did not exist during the period
        for path, pk, valid_from, valid_to in dated:
            gone = (valid_from is not None and valid_from > end) or (
                valid_to is not None and valid_to < start
            )
            if gone and (pk in singles or covered(path)):
                count -= 1
        out[m.pk] = count
    return out


def movements_figures(movements: list[Any], as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Per movement id: participants, pledges, indicators total/met with their chart lines,
    key tasks by status — as of ``as_of`` clamped into each movement's dates. Empty when the
    movements module is not there."""
    try:
        from thidua.movements import rules
        from thidua.movements.enums import TaskStatus
        from thidua.movements.models import Indicator, IndicatorValue, KeyTask, Pledge, TaskStatusChange
    except ImportError:
        return {}
    if not movements:
        return {}
    ids = [m.pk for m in movements]
    out: dict[int, dict[str, Any]] = {
        pk: {
            "participants": 0,
            "pledges": 0,
            "indicators_total": 0,
            "indicators_met": 0,
            "tasks_total": 0,
            "tasks_done": 0,
            "tasks_in_progress": 0,
            "tasks_not_started": 0,
            "indicator_lines": [],
        }
        for pk in ids
    }
    latest_value = (
        IndicatorValue.objects.filter(indicator=OuterRef("pk"), as_of__lte=OuterRef("day"))
        .order_by("-as_of", "-id")
        .values("value")[:1]
    )
    indicators = (
        Indicator.objects.filter(movement_id__in=ids)
        .annotate(day=_as_of_expr(as_of))
        .annotate(actual=Subquery(latest_value))
        .order_by("movement_id", "position", "id")
        .values_list("movement_id", "code", "name", "plan_value", "direction", "actual")
    )
    for mid, code, name, plan, direction, actual in indicators:
        data = out[mid]
        data["indicators_total"] += 1
        met = actual is not None and rules.is_met(plan, actual, direction)
        share = rules.share_of_plan(plan, actual, direction) if actual is not None else None
        data["indicators_met"] += met
        data["indicator_lines"].append(
            {"code": code, "name": name, "share": float(share) if share is not None else None, "met": met}
        )
    latest_status = (
        TaskStatusChange.objects.filter(task=OuterRef("pk"), on__lte=OuterRef("day"))
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    tasks = (
        KeyTask.objects.filter(movement_id__in=ids)
        .annotate(day=_as_of_expr(as_of))
        .annotate(status_then=Subquery(latest_status))
        .order_by()
        .values_list("movement_id", "status_then")
        .annotate(n=Count("id"))
    )
    keys = {
        TaskStatus.DONE: "tasks_done",
        TaskStatus.IN_PROGRESS: "tasks_in_progress",
        TaskStatus.NOT_STARTED: "tasks_not_started",
    }
    for mid, status, n in tasks:
        data = out[mid]
        data["tasks_total"] += n
        data[keys[status or TaskStatus.NOT_STARTED]] += n
    for mid, n in (
        Pledge.objects.filter(movement_id__in=ids)
        .order_by()
        .values_list("movement_id")
        .annotate(n=Count("id"))
    ):
        out[mid]["pledges"] = n
    for mid, n in _participating_units(movements).items():
        out[mid]["participants"] = n
    return out
