"""Participant-facing contest API under /api/v1/public/contests/ — no account.

Separate from the officers' router on purpose: it has no auth, its own rate
limits, and never returns a correct answer before an attempt is submitted.
A participant is identified by the code returned at registration, sent back
in the ``X-Participant-Code`` header (the web pages keep it in a signed
cookie instead). Someone else's attempt answers 404 like a wrong token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from thidua.contests import selectors, services
from thidua.contests.enums import AttemptStatus
from thidua.contests.models import Attempt, Contest, Participant
from thidua.contests.schemas import (
    AttemptResult,
    AttemptStarted,
    ErrorOut,
    PublicContest,
    RegisteredOut,
    RegisterIn,
    SubmitIn,
)
from thidua.core.errors import DomainError, NotFound
from thidua.core.middleware import client_ip
from thidua.directory.models import Unit

router = Router(tags=["Cuộc thi — thí sinh"], auth=None)
_ERRORS: dict[Any, Any] = {frozenset({403, 404, 409, 422, 429}): ErrorOut}
HEADER = "X-Participant-Code"
NOT_REGISTERED = "Bạn chưa đăng ký dự thi hoặc mã thí sinh không đúng."


def public_units(contest: Contest) -> list[Unit]:
    """The invited subtrees, in tree order, for the unit picker."""
    return list(
        Unit.objects.filter(services.invited_unit_q(contest), valid_to__isnull=True).order_by("path")[:3000]
    )


def _participant(request: HttpRequest, contest: Contest) -> Participant:
    p = services.participant_by_code(contest, request.headers.get(HEADER))
    if p is None:
        raise DomainError(NOT_REGISTERED, code="not_registered")
    return p


def started_out(attempt: Attempt, contest: Contest) -> dict[str, Any]:
    """The questions as the participant sees them — from the cached bank's
    ``public`` part, which holds no answer."""
    bank = services._bank_at(contest, contest.bank_version)
    left = int((attempt.deadline - timezone.now()).total_seconds())
    names = {pk: name for pk, _, name, _, _ in bank.rounds}
    shown = [(qid, bank.public[qid]) for qid in attempt.question_ids if qid in bank.public]
    return {
        "token": attempt.token,
        "round": names.get(attempt.round_id, ""),
        "seq": attempt.seq,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "seconds_left": max(0, left),
        "questions": [
            {"id": qid, "number": i, "text": text, "kind": kind, "options": options}
            for i, (qid, (text, kind, options)) in enumerate(shown, start=1)
        ],
        "prediction_question": contest.prediction_question,
    }


def result_out(attempt: Attempt, counted_now: bool = False) -> dict[str, Any]:
    return {
        "token": attempt.token,
        "status": attempt.status,
        "status_label": AttemptStatus(attempt.status).label,
        "counted_now": counted_now,
        "score": attempt.score,
        "correct_count": attempt.correct_count,
        "question_count": len(attempt.question_ids),
        "all_correct": attempt.all_correct,
        "duration_ms": attempt.duration_ms,
        "submitted_at": attempt.submitted_at,
        "prediction": attempt.prediction,
    }


@router.get("/{slug}", response={200: PublicContest, **_ERRORS}, summary="Thông tin cuộc thi", auth=None)
def contest_info(request: HttpRequest, slug: str) -> dict[str, Any]:
    contest = selectors.public_contest(slug)
    return {
        **{f: getattr(contest, f) for f in ("name", "slug", "status", "description", "questions_per_attempt",
                                            "time_limit_seconds", "attempts_per_round", "prediction_question")},
        "organiser_name": contest.organiser.name,
        "rounds": list(contest.rounds.order_by("number")),
        "units": [{"id": u.pk, "name": u.name, "depth": u.depth} for u in public_units(contest)],
    }  # fmt: skip


@router.post(
    "/{slug}/participants", response={201: RegisteredOut, **_ERRORS}, summary="Đăng ký dự thi", auth=None
)
def register(request: HttpRequest, slug: str, payload: RegisterIn) -> Status:
    contest = selectors.public_contest(slug)
    unit = None
    if payload.unit is not None:
        unit = Unit.objects.filter(pk=payload.unit).first()
        if unit is None:
            raise DomainError("Đơn vị đã chọn không thuộc các đơn vị được mời.")
    p = services.participant_register(
        contest=contest, full_name=payload.full_name, phone=payload.phone, email=payload.email,
        birth_date=payload.birth_date, unit=unit, unit_text=payload.unit_text, ip=client_ip(request),
    )  # fmt: skip
    return Status(201, {"code": p.code, "full_name": p.full_name})


@router.get(
    "/{slug}/attempts",
    response={200: list[AttemptResult], **_ERRORS},
    summary="Các lượt thi của tôi",
    auth=None,
)
def my_attempts(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    contest = selectors.public_contest(slug)
    p = _participant(request, contest)
    return [result_out(a) for a in p.attempts.order_by("started_at")]


@router.post(
    "/{slug}/attempts", response={201: AttemptStarted, **_ERRORS}, summary="Bắt đầu lượt thi", auth=None
)
def start(request: HttpRequest, slug: str) -> Status:
    participant = services.participant_for_public(slug, request.headers.get(HEADER))
    if participant is None:
        selectors.public_contest(slug)  # 404 for a contest that does not exist
        raise DomainError(NOT_REGISTERED, code="not_registered")
    attempt = services.attempt_start(participant=participant)
    return Status(201, started_out(attempt, participant.contest))


@router.get(
    "/{slug}/attempts/{token}",
    response={200: AttemptStarted, **_ERRORS},
    summary="Tiếp tục lượt thi đang làm",
    auth=None,
)
def resume(request: HttpRequest, slug: str, token: str) -> dict[str, Any]:
    contest = selectors.public_contest(slug)
    attempt = services.attempt_for(_participant(request, contest), token)
    if attempt.status != AttemptStatus.ACTIVE:
        raise NotFound("Lượt thi này đã kết thúc.")
    return started_out(attempt, contest)


@router.post(
    "/{slug}/attempts/{token}/submit", response={200: AttemptResult, **_ERRORS}, summary="Nộp bài", auth=None
)
def submit(request: HttpRequest, slug: str, token: str, payload: SubmitIn) -> dict[str, Any]:
    """Scored on the server; a repeat of the same submit answers the stored result.
    Someone else's attempt (wrong code for this token) is a 404 like a wrong token."""
    attempt, counted = services.attempt_submit_public(
        slug=slug,
        code=request.headers.get(HEADER),
        token=token,
        answers=payload.answers,
        prediction=payload.prediction,
    )
    return result_out(attempt, counted)
