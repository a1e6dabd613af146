"""Leaderboards and prize allocation.

Order (the contest rules, issue 6): score ↓, |prediction − actual| ↑, time
taken ↑, submission time ↑. ``actual`` is the answer to the prediction
question — the number of participants with at least one fully correct counted
attempt in the same scope (the round, or the whole contest for the overall
board). A missing prediction ranks after every prediction. Each participant
appears once, with their best attempt in the scope.

Ties. Two entries tie only when all four keys are equal (the submission time
is kept to the microsecond, so in practice only in generated data). Tied
entries get the same rank (competition ranking 1, 2, 2, 4). When a tie
straddles a prize boundary, every tied entry receives the prize of that level
— the level is given *more* prizes than the table says — and the entries are
flagged ``tied`` so the organiser sees it before signing; the next level keeps
its own count. Dropping one of two identical results by an arbitrary rule
would be unfair and impossible to explain to the participant.

Prizes per round (``prize_per_round``): levels are filled from the highest
down, each level in every round in turn, skipping people who already hold a
prize; so a person who wins in two rounds keeps the higher prize and the
lower one passes to the next in that round.

Disqualified participants (loại vì khai man) are skipped by every board, so
the prizes pass to the next in order; they stay in the participation figures
(they did take part) and in the prediction's actual count (their fully
correct attempts happened). Collective prizes count their unit's
participants without them.

Collective prizes by points (``CollectiveBasis.POINTS``, lessons.md "Unit
prizes"): a unit scores ``points_per_percent`` per percentage point of its
participation rate plus, for every individual winner registered in its
subtree, the ``points`` of the winner's prize level in the prize table.

These functions read the folded counters as they are: the interface that
shows them (dashboard, API, export, prize decision) folds pending attempts
once first with :func:`thidua.contests.services.tally_pending`.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Abs

from thidua.contests.enums import AttemptStatus, CollectiveBasis
from thidua.contests.models import Attempt, Contest, Invitation, Participant, Round, UnitTally
from thidua.directory.models import Person, Unit

NO_PREDICTION = 2_000_000_000


@dataclass
class Entry:
    rank: int
    participant_id: int
    attempt_id: int
    full_name: str
    unit_id: int | None
    unit_name: str
    round_id: int
    score: int
    correct_count: int
    prediction: int | None
    prediction_gap: int | None
    duration_ms: int
    submitted_at: dt.datetime
    key: tuple[Any, ...] = field(repr=False, default=())


def actual_all_correct(contest: Contest, rnd: Round | None = None) -> int:
    """Participants with at least one fully correct counted attempt in scope.
    Overall, from the participants' folded figures (no scan of the attempts)."""
    if rnd is None:
        total = UnitTally.objects.filter(contest=contest).aggregate(n=Sum("all_correct_participants"))["n"]
        return total or 0
    qs = Attempt.objects.filter(contest=contest, status=AttemptStatus.SUBMITTED, all_correct=True, round=rnd)
    return qs.values("participant_id").distinct().count()


COLUMNS = (
    "id",
    "participant_id",
    "participant__full_name",
    "participant__unit_id",
    "participant__unit__name",
    "participant__unit_text",
    "round_id",
    "score",
    "correct_count",
    "prediction",
    "duration_ms",
    "submitted_at",
)
PAGE = 500


def _paged(qs: Any) -> Iterator[tuple[Any, ...]]:
    """An index-ordered query read page by page (LIMIT/OFFSET: the boards and
    prizes read the first few hundred rows only)."""
    offset = 0
    while True:
        page = list(qs[offset : offset + PAGE])
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def _indexed_rows(scope: Any, actual: int) -> Iterator[tuple[Any, ...]]:
    """Rows in ranking order without sorting the attempts.

    Score levels are taken from the top down. Within one level the order is
    |prediction − actual|, time, submission: the rows at or above ``actual``
    read by (prediction ↑, time, submission) and those below it by
    (prediction ↓, time, submission) are each already in that order, so an
    index on (score, prediction, time, submission) yields them and a merge of
    the two (then those without a prediction) gives the exact order. Each row
    is extended with its gap."""
    score = scope.aggregate(m=Max("score"))["m"]
    while score is not None:
        level = scope.filter(score=score)
        above = level.filter(prediction__gte=actual).order_by(
            "prediction", "duration_ms", "submitted_at", "id"
        )
        below = level.filter(prediction__lt=actual).order_by(
            "-prediction", "duration_ms", "submitted_at", "id"
        )
        none = level.filter(prediction__isnull=True).order_by("duration_ms", "submitted_at", "id")

        def with_gap(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
            for r in rows:
                gap = NO_PREDICTION if r[9] is None else abs(r[9] - actual)
                yield (*r, gap)

        streams = [with_gap(_paged(q.values_list(*COLUMNS))) for q in (above, below, none)]
        yield from heapq.merge(*streams, key=lambda r: (r[12], r[10], r[11], r[0]))
        score = scope.filter(score__lt=score).aggregate(m=Max("score"))["m"]


def _sorted_rows(scope: Any, actual: int) -> Iterator[tuple[Any, ...]]:
    """The whole board in one sorted query, streamed (the results export)."""
    qs = scope.annotate(
        gap=Case(
            When(prediction__isnull=True, then=Value(NO_PREDICTION)),
            default=Abs(F("prediction") - Value(actual)),
            output_field=IntegerField(),
        )
    ).order_by("-score", "gap", "duration_ms", "submitted_at", "id")
    yield from qs.values_list(*COLUMNS, "gap").iterator(chunk_size=2000)


def ranked(
    contest: Contest, rnd: Round | None = None, *, actual: int | None = None, whole: bool = False
) -> Iterator[Entry]:
    """Best attempt per participant, best first, with competition ranks.

    The top of a board is read through the ranking indexes page by page
    (:func:`_indexed_rows`: milliseconds at millions of attempts); ``whole``
    (the export of every participant) sorts once instead."""
    if actual is None:
        actual = actual_all_correct(contest, rnd)
    # A handful of rows (partial index): skipped below rather than joined into
    # the index-ordered reads of the board.
    out = disqualified_ids(contest)
    scope = Attempt.objects.filter(contest=contest, status=AttemptStatus.SUBMITTED)
    if rnd is not None:
        scope = scope.filter(round=rnd)
    rows = _sorted_rows(scope, actual) if whole else _indexed_rows(scope, actual)
    seen: set[int] = set()
    position = 0
    rank = 0
    last_key: tuple[Any, ...] | None = None
    for row in rows:
        (aid, pid, name, unit_id, unit_name, unit_text, round_id, score, correct, pred, dur, sub, gap) = row
        if pid in seen or pid in out:
            continue
        seen.add(pid)
        position += 1
        key = (score, gap, dur, sub)
        if key != last_key:
            rank = position
            last_key = key
        yield Entry(
            rank=rank,
            participant_id=pid,
            attempt_id=aid,
            full_name=name,
            unit_id=unit_id,
            unit_name=unit_name or unit_text or "",
            round_id=round_id,
            score=score,
            correct_count=correct,
            prediction=pred,
            prediction_gap=None if gap == NO_PREDICTION else gap,
            duration_ms=dur or 0,
            submitted_at=sub,
            key=key,
        )


def disqualified_ids(contest: Contest) -> set[int]:
    return set(
        Participant.objects.filter(contest=contest, disqualified_at__isnull=False).values_list(
            "pk", flat=True
        )
    )


def leaderboard(contest: Contest, rnd: Round | None = None, *, limit: int = 100) -> list[Entry]:
    result = []
    for entry in ranked(contest, rnd):
        if len(result) >= limit:
            break
        result.append(entry)
    return result


@dataclass
class Winner:
    level: str
    label: str
    entry: Entry
    round: Round | None
    tied: bool = False


@dataclass
class UnitWinner:
    rank: int
    unit: Unit
    participants: int
    headcount: int | None
    rate: float | None
    tied: bool = False
    points: Decimal | None = None  # CollectiveBasis.POINTS only
    winners: int = 0  # individual winners of the unit (POINTS only)


@dataclass
class Allocation:
    individuals: list[Winner]
    collectives: list[UnitWinner]


class _Stream:
    """A ranked board read lazily, skipping people who already hold a prize."""

    def __init__(self, entries: Iterator[Entry], awarded: set[int]) -> None:
        self._entries = entries
        self._awarded = awarded
        self._head: Entry | None = None

    def peek(self) -> Entry | None:
        while self._head is None or self._head.participant_id in self._awarded:
            self._head = next(self._entries, None)
            if self._head is None:
                return None
        return self._head

    def take(self) -> Entry | None:
        head = self.peek()
        self._head = None
        return head


def allocate_individual(contest: Contest) -> list[Winner]:
    rounds: list[Round | None] = (
        list(contest.rounds.order_by("number")) if contest.prize_per_round else [None]
    )
    awarded: set[int] = set()
    streams = [(rnd, _Stream(ranked(contest, rnd), awarded)) for rnd in rounds]
    winners: list[Winner] = []
    for prize in contest.prizes:
        for rnd, stream in streams:
            level: list[Winner] = []
            for _ in range(int(prize["count"])):
                entry = stream.take()
                if entry is None:
                    break
                awarded.add(entry.participant_id)
                level.append(Winner(prize["level"], prize["label"], entry, rnd))
            if level:
                boundary = level[-1].entry.key
                extra = False
                while (nxt := stream.peek()) is not None and nxt.key == boundary:
                    stream.take()
                    awarded.add(nxt.participant_id)
                    level.append(Winner(prize["level"], prize["label"], nxt, rnd))
                    extra = True
                if extra:
                    for w in level:
                        w.tied = w.entry.key == boundary
            winners += level
    return winners


def unit_participation(contest: Contest, *, for_prizes: bool = False) -> list[dict[str, Any]]:
    """Per invited unit (subtree): participants, attempts and the participation
    rate against the headcount (the invitation's, else the directory's people).

    Reads the folded per-unit counters (one row per unit with participants)
    and, for invitations without a headcount, the directory's people of all
    those subtrees in ONE grouped query. ``for_prizes`` leaves disqualified
    participants out of the participant counts (the statistics keep them)."""
    invitations = list(
        Invitation.objects.filter(contest=contest).select_related("unit").order_by("unit__path")
    )
    tallies = {
        t.unit_key: t for t in UnitTally.objects.filter(contest=contest, unit_key__gt=0)
    }  # one row per unit with participants: small whatever the number of attempts
    paths = dict(Unit.objects.filter(pk__in=tallies).values_list("pk", "path"))
    by_path = [(paths[k], t.participants, t.attempts) for k, t in tallies.items() if k in paths]
    if for_prizes:
        out = list(
            Participant.objects.filter(
                contest=contest, disqualified_at__isnull=False, attempt_count__gt=0, unit__isnull=False
            ).values_list("unit__path", flat=True)
        )
        by_path += [(path, -1, 0) for path in out]
    missing = [i.unit.path for i in invitations if i.headcount is None]
    people_by_path: list[tuple[str, int]] = []
    if missing:
        subtree = Q()
        for path in missing:
            subtree |= Q(unit__path__startswith=path)
        people_by_path = list(
            Person.objects.filter(subtree, is_active=True)
            .values("unit__path")
            .annotate(n=Count("id"))
            .values_list("unit__path", "n")
        )
    result = []
    for inv in invitations:
        root = inv.unit.path
        n = sum(c for path, c, _ in by_path if path.startswith(root))
        attempts = sum(a for path, _, a in by_path if path.startswith(root))
        if inv.headcount is not None:
            headcount: int | None = inv.headcount
        else:
            headcount = sum(c for path, c in people_by_path if path.startswith(root)) or None
        result.append(
            {
                "unit": inv.unit,
                "participants": n,
                "attempts": attempts,
                "headcount": headcount,
                "rate": (n / headcount) if headcount else None,
            }
        )
    return result


def unit_points(contest: Contest, winners: list[Winner] | None = None) -> list[dict[str, Any]]:
    """Each invited unit with a known headcount and participants, with its
    points: rate × 100 × ``points_per_percent`` + the prize table's points of
    each individual winner registered in its subtree (typed-in units belong to
    no invited unit and bring none). Best first."""
    if winners is None:
        winners = allocate_individual(contest)
    worth = {str(p["level"]): int(p.get("points") or 0) for p in contest.prizes}
    winner_units = [w.entry.unit_id for w in winners if w.entry.unit_id]
    paths = dict(Unit.objects.filter(pk__in=set(winner_units)).values_list("pk", "path"))
    scored = [(paths[w.entry.unit_id], worth.get(w.level, 0)) for w in winners if w.entry.unit_id in paths]
    per = Decimal(contest.points_per_percent)
    rows = []
    for r in unit_participation(contest, for_prizes=True):
        if not r["participants"] or r["rate"] is None:
            continue
        root = r["unit"].path
        mine = [pts for path, pts in scored if path.startswith(root)]
        from_rate = (Decimal(r["participants"]) * 100 * per / Decimal(r["headcount"])).quantize(
            Decimal("0.01")
        )
        rows.append({**r, "winners": len(mine), "points": from_rate + sum(mine)})
    rows.sort(key=lambda r: (-r["points"], -r["participants"], r["unit"].name))
    return rows


def allocate_collective(contest: Contest, winners: list[Winner] | None = None) -> list[UnitWinner]:
    """Units ranked by participation rate, count or points; units whose
    headcount is unknown cannot be ranked by rate or points and are left out.
    Ties at the boundary are all included, as for individuals."""
    if not contest.collective_prize_count:
        return []
    if contest.collective_basis == CollectiveBasis.POINTS:
        rows = unit_points(contest, winners)

        def key(r: dict[str, Any]) -> tuple[Any, ...]:
            return (r["points"],)
    elif contest.collective_basis == CollectiveBasis.RATE:
        rows = [r for r in unit_participation(contest, for_prizes=True) if r["participants"]]
        rows = [r for r in rows if r["rate"] is not None]
        rows.sort(key=lambda r: (-r["rate"], -r["participants"], r["unit"].name))

        def key(r: dict[str, Any]) -> tuple[Any, ...]:
            return (round(r["rate"], 9), r["participants"])
    else:
        rows = [r for r in unit_participation(contest, for_prizes=True) if r["participants"]]
        rows.sort(key=lambda r: (-r["participants"], r["unit"].name))

        def key(r: dict[str, Any]) -> tuple[Any, ...]:
            return (r["participants"],)

    n = contest.collective_prize_count
    if not rows:
        return []
    boundary = key(rows[min(n, len(rows)) - 1])
    result: list[UnitWinner] = []
    rank = 0
    last = None
    for i, r in enumerate(rows, start=1):
        k = key(r)
        if k != last:
            rank, last = i, k
        if i > n and k != boundary:
            break
        result.append(
            UnitWinner(
                rank, r["unit"], r["participants"], r["headcount"], r["rate"],
                points=r.get("points"), winners=r.get("winners", 0),
            )
        )  # fmt: skip
    if len(result) > n:
        for w, r in zip(result, rows, strict=False):
            w.tied = key(r) == boundary
    return result


def allocate(contest: Contest) -> Allocation:
    individuals = allocate_individual(contest)
    return Allocation(individuals, allocate_collective(contest, individuals))


def prize_amount(contest: Contest, level: str) -> int:
    """The money of one prize of ``level`` in the contest's prize table (đồng)."""
    for p in contest.prizes:
        if p["level"] == level:
            return int(p.get("amount") or 0)
    return 0


def contest_prize_recipients(contest: Contest, winners: list[Winner] | None = None) -> list[dict[str, Any]]:
    """The individual winners, ranked, for the prize decision (thidua.decisions
    wires this in): one dict per winner with the prize level, the person as
    registered (free text — participants are not directory people), their unit
    (a directory unit when chosen from the tree, else the text they typed) and
    the result that earned the prize."""
    out = []
    for w in allocate_individual(contest) if winners is None else winners:
        e = w.entry
        out.append(
            {
                "level": w.level,
                "level_label": w.label,
                "amount": prize_amount(contest, w.level),
                "rank": e.rank,
                "tied": w.tied,
                "round": w.round.name if w.round else None,
                "participant_id": e.participant_id,
                "full_name": e.full_name,
                "unit_id": e.unit_id,
                "unit_name": e.unit_name,
                "score": e.score,
                "prediction": e.prediction,
                "duration_ms": e.duration_ms,
                "submitted_at": e.submitted_at,
            }
        )
    return out
