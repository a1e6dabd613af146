"""Scoped reads of contests and the organiser's statistics.

A contest is visible to users holding ``contests.view`` on its organising
unit (the unit's subtree scope, as everywhere in thidua); outside that it is
a 404 like a contest that does not exist.

Statistics stay fast at millions of attempts because none of them scans the
attempts table: attempt counts per day and the answer distribution come from
the counter tables folded by :func:`services.tally_pending`, participant
figures from indexed counts over participants (which carry their best score),
and per-unit figures from one GROUP BY over participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet, Sum

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.accounts.scoping import unit_scope
from thidua.contests import ranking
from thidua.contests.models import Contest, DayTally, Participant, QuestionTally, UnitTally
from thidua.core.errors import NotFound

CONTEST_NOT_FOUND = "Không tìm thấy cuộc thi."


def contests_for(user: User, perm: str = Perm.VIEW_CONTESTS) -> QuerySet[Contest]:
    qs = Contest.objects.select_related("organiser")
    scope = unit_scope(user, perm, "organiser__")
    return qs if scope is None else qs.filter(scope)


def contest_for(user: User, pk: int, perm: str = Perm.VIEW_CONTESTS) -> Contest:
    contest = contests_for(user, perm).filter(pk=pk).first() if 0 < pk < 2**62 else None
    if contest is None:
        raise NotFound(CONTEST_NOT_FOUND)
    return contest


def public_contest(slug: str) -> Contest:
    """A contest's public face; drafts are not public."""
    contest = Contest.objects.select_related("organiser").filter(slug=slug).exclude(status="draft").first()
    if contest is None:
        raise NotFound(CONTEST_NOT_FOUND)
    return contest


def disqualified(contest: Contest) -> list[Participant]:
    """The disqualified participants in the order of a Vietnamese list (by given name)."""
    return list(
        Participant.objects.filter(contest=contest, disqualified_at__isnull=False)
        .select_related("unit")
        .order_by("sort_key", "pk")
    )


@dataclass
class Stats:
    invited_units: int
    units_with_participants: int
    registered: int
    participants: int
    attempts: int
    max_score: int
    max_score_participants: int
    all_correct_attempts: int
    free_text_participants: int
    per_unit: list[dict[str, Any]]
    per_day: list[dict[str, Any]]
    questions: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["per_unit"] = [
            {
                **{k: v for k, v in r.items() if k != "unit"},
                "unit_id": r["unit"].pk,
                "unit_name": r["unit"].name,
            }
            for r in self.per_unit
        ]
        return data


def contest_stats(contest: Contest) -> Stats:
    """The organiser's figures, the latest submissions folded in first."""
    from thidua.contests.services import tally_pending

    tally_pending(contest)
    per_unit = ranking.unit_participation(contest)
    sums = UnitTally.objects.filter(contest=contest).aggregate(
        participants=Sum("participants"), at_max=Sum("max_score_participants")
    )
    free_text = (
        UnitTally.objects.filter(contest=contest, unit_key=0).values_list("participants", flat=True).first()
    )
    # Registrations are the one figure not folded (a counter written at each
    # registration would be a hot row at the peak); counting them walks an
    # index of every participant, so the count is kept for a minute.
    registered = cache.get_or_set(
        f"contests:registered:{contest.pk}:{contest.slug}",
        lambda: Participant.objects.filter(contest=contest).count(),
        60,
    )
    days = list(
        DayTally.objects.filter(contest=contest).order_by("day").values("day", "attempts", "all_correct")
    )
    totals = DayTally.objects.filter(contest=contest).aggregate(a=Sum("attempts"), c=Sum("all_correct"))
    questions = []
    for t in QuestionTally.objects.filter(question__contest=contest).select_related(
        "question", "question__topic"
    ):
        q = t.question
        questions.append(
            {
                "question_id": q.pk,
                "text": q.text,
                "topic": q.topic.name,
                "shown": t.shown,
                "correct": t.correct,
                "blank": t.blank,
                "correct_rate": (t.correct / t.shown) if t.shown else None,
                "options": [
                    {
                        "text": text,
                        "chosen": t.option_counts[i] if i < len(t.option_counts) else 0,
                        "correct": bool(q.correct_mask >> i & 1),
                    }
                    for i, text in enumerate(q.options)
                ],
            }
        )
    questions.sort(
        key=lambda r: (r["correct_rate"] if r["correct_rate"] is not None else 2, r["question_id"])
    )
    return Stats(
        invited_units=len(per_unit),
        units_with_participants=sum(1 for r in per_unit if r["participants"]),
        registered=registered,
        participants=sums["participants"] or 0,
        attempts=totals["a"] or 0,
        max_score=contest.questions_per_attempt,
        max_score_participants=sums["at_max"] or 0,
        all_correct_attempts=totals["c"] or 0,
        free_text_participants=free_text or 0,
        per_unit=per_unit,
        per_day=days,
        questions=questions,
    )
