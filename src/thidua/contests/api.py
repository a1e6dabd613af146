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
from thidua.contests import exports, imports, ranking, selectors, services
from thidua.contests.enums import ContestStatus
from thidua.contests.models import Contest, Question, Round, Topic
from thidua.contests.schemas import (
    ContestBrief,
    ContestIn,
    ContestOut,
    ContestPatch,
    EntryOut,
    ErrorOut,
    ImportDone,
    ImportRefused,
    InvitationIn,
    InvitationOut,
    PrizesOut,
    QuestionIn,
    QuestionOut,
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
    services.tally_pending(contest)
    return selectors.contest_stats(contest).as_dict()


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
    return ranking.leaderboard(contest, rnd, limit=max(1, min(limit, 1000)))


@router.get(
    "/contests/{contest_id}/prizes", response={200: PrizesOut, **_ERRORS}, summary="Phân bổ giải thưởng"
)
def contest_prizes(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    contest = selectors.contest_for(_user(request), contest_id)
    return {
        "individuals": ranking.contest_prize_recipients(contest),
        "collectives": [
            {
                "rank": u.rank,
                "unit_id": u.unit.pk,
                "unit_name": u.unit.name,
                "participants": u.participants,
                "headcount": u.headcount,
                "rate": u.rate,
                "tied": u.tied,
            }
            for u in ranking.allocate_collective(contest)
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
