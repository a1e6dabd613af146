"""Officers' REST API of contests under /api/v1/contests/: set-up, question
bank (with the correct answers — never on the public router), statistics,
leaderboards, prizes and the results workbook.

Reads go through :mod:`selectors` (``contests.view`` on the organising unit;
outside it a 404), writes through :mod:`services` (``contests.manage``; 403).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from thidua.accounts.enums import Perm
from thidua.accounts.models import User
from thidua.contests import exports, imports, prize_decision, ranking, selectors, services
from thidua.contests.enums import ContestStatus
from thidua.contests.models import Contest, Participant, Question, Round, Topic
from thidua.contests.schemas import (
    ContestBrief,
    ContestIn,
    ContestOut,
    ContestPatch,
    DisqualifyIn,
    EntryOut,
    ErrorOut,
    ImportDone,
    ImportRefused,
    InvitationIn,
    InvitationOut,
    ParticipantStateOut,
    PrizeDecisionIn,
    PrizeDecisionOut,
    PrizeLineOut,
    PrizesOut,
    QuestionIn,
    QuestionOut,
    ReinstateIn,
    RoundIn,
    RoundOut,
    StatsOut,
    StatusIn,
    TopicIn,
    TopicOut,
)
from thidua.core.errors import DomainError, NotFound
from thidua.directory.models import Unit

router = Router(tags=["Cuộc thi"])
_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _unit(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise DomainError("Đơn vị không tồn tại.")
    return unit


def contest_out(contest: Contest) -> dict[str, Any]:
    return {
        **{f: getattr(contest, f) for f in services.SETTINGS_FIELDS},
        "id": contest.pk,
        "slug": contest.slug,
        "public_url": f"{getattr(settings, 'THIDUA_PUBLIC_URL', '')}/cuoc-thi/{contest.slug}/",
        "organiser": contest.organiser_id,
        "organiser_name": contest.organiser.name,
        "status": contest.status,
        "status_label": ContestStatus(contest.status).label,
        "version": contest.version,
        "prize_decision": contest.prize_decision_id,
        "rounds": list(contest.rounds.order_by("number")),
        "topics": list(contest.topics.all()),
        "invitations": [
            {"unit": i.unit_id, "unit_name": i.unit.name, "headcount": i.headcount}
            for i in contest.invitations.select_related("unit").order_by("unit__path")
        ],
        "question_count": contest.questions.filter(active=True).count(),
    }


def _settings(payload: Any) -> dict[str, Any]:
    data = payload.dict(exclude_none=True, exclude={"organiser", "version"})
    if "prizes" in data:
        data["prizes"] = [dict(p) for p in data["prizes"]]
    return data


@router.get("/contests/", response={200: list[ContestBrief], **_ERRORS}, summary="Danh sách cuộc thi")
def contest_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "name": c.name,
            "slug": c.slug,
            "organiser_name": c.organiser.name,
            "status": c.status,
            "status_label": ContestStatus(c.status).label,
        }
        for c in selectors.contests_for(_user(request))
    ]


@router.post("/contests/", response={201: ContestOut, **_ERRORS}, summary="Tạo cuộc thi")
def contest_create(request: HttpRequest, payload: ContestIn) -> Status:
    data = _settings(payload)
    contest = services.contest_create(actor=_user(request), organiser=_unit(payload.organiser), **data)
    return Status(201, contest_out(contest))


@router.get("/contests/{contest_id}", response={200: ContestOut, **_ERRORS}, summary="Chi tiết cuộc thi")
def contest_detail(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    return contest_out(selectors.contest_for(_user(request), contest_id))


@router.patch(
    "/contests/{contest_id}", response={200: ContestOut, **_ERRORS}, summary="Sửa thiết lập cuộc thi"
)
def contest_patch(request: HttpRequest, contest_id: int, payload: ContestPatch) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    contest = services.contest_update(
        actor=_user(request), contest=contest, expected_version=payload.version, **_settings(payload)
    )
    return contest_out(contest)


@router.post(
    "/contests/{contest_id}/status",
    response={200: ContestOut, **_ERRORS},
    summary="Mở hoặc kết thúc cuộc thi",
)
def contest_status(request: HttpRequest, contest_id: int, payload: StatusIn) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    return contest_out(
        services.contest_set_status(actor=_user(request), contest=contest, status=payload.status)
    )


@router.put(
    "/contests/{contest_id}/invitations",
    response={200: list[InvitationOut], **_ERRORS},
    summary="Đơn vị được mời",
)
def contest_invitations(
    request: HttpRequest, contest_id: int, payload: list[InvitationIn]
) -> list[dict[str, Any]]:
    contest = selectors.contest_for(_user(request), contest_id)
    rows = services.invitations_set(
        actor=_user(request), contest=contest, units=[(_unit(i.unit), i.headcount) for i in payload]
    )
    return [{"unit": i.unit_id, "unit_name": i.unit.name, "headcount": i.headcount} for i in rows]


@router.post("/contests/{contest_id}/rounds", response={201: RoundOut, **_ERRORS}, summary="Thêm đợt thi")
def round_create(request: HttpRequest, contest_id: int, payload: RoundIn) -> Status:
    contest = selectors.contest_for(_user(request), contest_id)
    rnd = services.round_create(
        actor=_user(request),
        contest=contest,
        name=payload.name,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
    )
    return Status(201, rnd)


@router.post("/contests/{contest_id}/topics", response={201: TopicOut, **_ERRORS}, summary="Thêm chủ đề")
def topic_create(request: HttpRequest, contest_id: int, payload: TopicIn) -> Status:
    contest = selectors.contest_for(_user(request), contest_id)
    return Status(
        201,
        services.topic_create(actor=_user(request), contest=contest, name=payload.name, quota=payload.quota),
    )


def _question_out(q: Question) -> dict[str, Any]:
    return {
        "id": q.pk,
        "topic": q.topic_id,
        "text": q.text,
        "kind": q.kind,
        "options": q.options,
        "correct": [i for i in range(len(q.options)) if q.correct_mask >> i & 1],
        "active": q.active,
    }


@router.get(
    "/contests/{contest_id}/questions",
    response={200: list[QuestionOut], **_ERRORS},
    summary="Ngân hàng câu hỏi (có đáp án)",
)
def question_list(request: HttpRequest, contest_id: int) -> list[dict[str, Any]]:
    contest = selectors.contest_for(_user(request), contest_id, Perm.MANAGE_CONTESTS)
    return [_question_out(q) for q in contest.questions.order_by("id")]


@router.post(
    "/contests/{contest_id}/questions", response={201: QuestionOut, **_ERRORS}, summary="Thêm câu hỏi"
)
def question_create(request: HttpRequest, contest_id: int, payload: QuestionIn) -> Status:
    contest = selectors.contest_for(_user(request), contest_id)
    topic = Topic.objects.filter(contest=contest, pk=payload.topic).first()
    if topic is None:
        raise DomainError("Chủ đề không thuộc cuộc thi này.")
    q = services.question_create(
        actor=_user(request), topic=topic, text=payload.text, kind=payload.kind, options=payload.options,
        correct=payload.correct,
    )  # fmt: skip
    return Status(201, _question_out(q))


@router.post(
    "/contests/{contest_id}/questions/import",
    response={201: ImportDone, 422: ImportRefused, frozenset({401, 403, 404, 409}): ErrorOut},
    summary="Nhập ngân hàng câu hỏi từ tệp Excel",
)
def question_import(request: HttpRequest, contest_id: int, file: File[UploadedFile]) -> Status:
    contest = selectors.contest_for(_user(request), contest_id)
    created = imports.import_questions(
        actor=_user(request), contest=contest, data=file.read(), name=file.name or ""
    )
    return Status(201, {"created": created})


@router.get("/contests/questions/import-template", summary="Tệp mẫu ngân hàng câu hỏi", response={200: None})
def question_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-ngan-hang-cau-hoi.xlsx"'
    return response


@router.get("/contests/{contest_id}/stats", response={200: StatsOut, **_ERRORS}, summary="Thống kê cuộc thi")
def contest_stats(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    return selectors.contest_stats(contest).as_dict()  # folds pending attempts first


@router.get(
    "/contests/{contest_id}/leaderboard", response={200: list[EntryOut], **_ERRORS}, summary="Bảng xếp hạng"
)
def contest_leaderboard(
    request: HttpRequest, contest_id: int, round: int | None = None, limit: int = 100
) -> list[Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    rnd = None
    if round is not None:
        rnd = Round.objects.filter(contest=contest, number=round).first()
        if rnd is None:
            raise NotFound("Không tìm thấy đợt thi.")
    services.tally_pending(contest)
    return ranking.leaderboard(contest, rnd, limit=max(1, min(limit, 1000)))


@router.get(
    "/contests/{contest_id}/prizes", response={200: PrizesOut, **_ERRORS}, summary="Phân bổ giải thưởng"
)
def contest_prizes(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    services.tally_pending(contest)
    allocation = ranking.allocate(contest)
    return {
        "individuals": ranking.contest_prize_recipients(contest, allocation.individuals),
        "collectives": [
            {
                "rank": u.rank,
                "unit_id": u.unit.pk,
                "unit_name": u.unit.name,
                "participants": u.participants,
                "headcount": u.headcount,
                "rate": u.rate,
                "tied": u.tied,
                "points": u.points,
                "amount": contest.collective_prize_amount,
            }
            for u in allocation.collectives
        ],
    }


@router.get(
    "/contests/{contest_id}/results.xlsx", summary="Xuất kết quả ra Excel", response={200: None, **_ERRORS}
)
def contest_results(request: HttpRequest, contest_id: int) -> HttpResponse:
    contest = selectors.contest_for(_user(request), contest_id)
    response = HttpResponse(exports.results_xlsx(contest), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{contest.slug}.xlsx"'
    return response


# --- disqualification and the prize decision ------------------------------------------------


def _participant(contest: Contest, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("contest__organiser")
        .filter(contest=contest, pk=participant_id)
        .first()
        if 0 < participant_id < 2**62
        else None
    )
    if participant is None:
        raise NotFound("Không tìm thấy thí sinh.")
    return participant


def _state(p: Participant) -> dict[str, Any]:
    return {
        "participant_id": p.pk,
        "full_name": p.full_name,
        "disqualified": p.disqualified_at is not None,
        "reason": p.disqualified_reason,
    }


@router.post(
    "/contests/{contest_id}/participants/{participant_id}/disqualify",
    response={200: ParticipantStateOut, **_ERRORS},
    summary="Loại thí sinh vì khai man (giải thưởng chuyển cho người kế tiếp)",
)
def participant_disqualify(
    request: HttpRequest, contest_id: int, participant_id: int, payload: DisqualifyIn
) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    p = services.participant_disqualify(
        actor=_user(request), participant=_participant(contest, participant_id), reason=payload.reason
    )
    return _state(p)


@router.post(
    "/contests/{contest_id}/participants/{participant_id}/reinstate",
    response={200: ParticipantStateOut, **_ERRORS},
    summary="Khôi phục thí sinh đã bị loại",
)
def participant_reinstate(
    request: HttpRequest, contest_id: int, participant_id: int, payload: ReinstateIn
) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    p = services.participant_reinstate(
        actor=_user(request), participant=_participant(contest, participant_id), note=payload.note
    )
    return _state(p)


@router.get(
    "/contests/{contest_id}/prize-decision/preview",
    response={200: list[PrizeLineOut], **_ERRORS},
    summary="Xem trước danh sách trao giải (đối chiếu người đạt giải với hồ sơ cá nhân)",
)
def prize_decision_preview(request: HttpRequest, contest_id: int) -> list[dict[str, Any]]:
    contest = selectors.contest_for(_user(request), contest_id)
    return [
        {
            "kind": ln.kind,
            "label": ln.label,
            "amount": ln.amount,
            "rank": ln.rank,
            "tied": ln.tied,
            "name": ln.name,
            "unit_name": ln.unit_name,
            "participant_id": ln.participant_id,
            "match": ln.match,
            "person_id": ln.person.pk if ln.person else None,
            "candidates": [
                {"id": c.pk, "full_name": c.full_name, "birth_date": c.birth_date, "unit_name": c.unit.name}
                for c in ln.candidates
            ],
            "gender_hint": ln.gender_hint,
        }
        for ln in prize_decision.preview(contest)
    ]


@router.post(
    "/contests/{contest_id}/prize-decision",
    response={201: PrizeDecisionOut, **_ERRORS},
    summary="Lập dự thảo quyết định trao giải",
)
def prize_decision_draft(request: HttpRequest, contest_id: int, payload: PrizeDecisionIn) -> Status:
    contest = selectors.contest_for(_user(request), contest_id)
    decision = prize_decision.draft(
        actor=_user(request),
        contest=contest,
        choices=payload.choices,
        genders=payload.genders,
        budget_source=payload.budget_source,
    )
    lines = list(decision.recipients.all())
    return Status(
        201,
        {
            "decision_id": decision.pk,
            "state": decision.state,
            "recipients": len(lines),
            "total": sum(ln.amount or 0 for ln in lines),
        },
    )
