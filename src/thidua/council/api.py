"""REST API of the council under /api/v1/: councils and members, sessions with
agenda and attendance, ballots (open, vote, written opinions, conflicts,
close), results and the minutes.

Only parsing and shaping: reads through :mod:`thidua.council.selectors`,
writes through :mod:`thidua.council.services`. A ballot's figures appear in
an answer only once it is closed; a vote is answered with "recorded" and
nothing about the choice; a member recused from a candidate gets 404 for it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from thidua.accounts.models import User
from thidua.core.errors import DomainError, NotFound
from thidua.council import minutes, selectors, services
from thidua.council.models import Ballot, BallotState, Council, CouncilMember, Session, VoteReceipt
from thidua.council.schemas import (
    AgendaIn,
    AttendanceIn,
    BallotOut,
    CloseIn,
    ConflictIn,
    CouncilIn,
    CouncilOut,
    CouncilPatch,
    DeferIn,
    DoneOut,
    ErrorOut,
    MemberEnd,
    MemberIn,
    MemberOut,
    OpenIn,
    SessionDetail,
    SessionIn,
    SessionOut,
    SessionPatch,
    VoteIn,
    WaitingOut,
    WrittenIn,
)
from thidua.directory.models import Unit
from thidua.directory.schemas import MAX_ID
from thidua.nominations.models import Dossier

router = Router(tags=["Hội đồng TĐKT"])

_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 409, 422}): ErrorOut}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
VOTE_RECORDED = "Đã ghi nhận phiếu của bạn. Phiếu kín: hệ thống không lưu bạn đã chọn gì."


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def _council(user: User, pk: int) -> Council:
    council = selectors.councils_for(user).filter(pk=pk).first() if 1 <= pk <= MAX_ID else None
    if council is None:
        raise NotFound("Không tìm thấy Hội đồng.")
    return council


def _session(user: User, pk: int) -> Session:
    if not 1 <= pk <= MAX_ID:
        raise NotFound(selectors.SESSION_NOT_FOUND)
    return selectors.session_get(user, pk)


def _member(council: Council, pk: int | None, field: str) -> CouncilMember | None:
    if pk is None:
        return None
    member = CouncilMember.objects.filter(pk=pk, council=council).first()
    if member is None:
        raise DomainError(f"{field}: không phải thành viên của Hội đồng này.")
    return member


def _council_out(c: Council) -> dict[str, Any]:
    return {
        "id": c.pk,
        "unit": c.unit_id,
        "unit_name": c.unit.name,
        "name": c.name,
        "quorum_share": str(c.quorum_share),
        "quorum_citation": c.quorum_citation,
        "default_threshold": str(c.default_threshold),
        "default_strict": c.default_strict,
        "default_base": c.default_base,
        "default_citation": c.default_citation,
        "allow_abstain": c.allow_abstain,
        "version": c.version,
    }


def _member_out(m: CouncilMember) -> dict[str, Any]:
    return {
        "id": m.pk,
        "user": m.user_id,
        "full_name": m.full_name,
        "position": m.position,
        "role": m.role,
        "role_name": m.get_role_display(),
        "votes": m.votes,
        "active_from": m.active_from,
        "active_to": m.active_to,
    }


def ballot_out(b: Ballot, voted_ids: set[int] | None = None) -> dict[str, Any]:
    """A ballot as the API shows it: figures only once closed."""
    c = b.candidate
    closed = b.state == BallotState.CLOSED
    return {
        "id": b.pk,
        "position": b.position,
        "candidate": c.pk,
        "recipient_name": str(c.recipient),
        "award_type": c.award_type.code,
        "award_name": c.award_type.name,
        "dossier": c.dossier.code,
        "mode": b.mode,
        "state": b.state,
        "state_name": b.get_state_display(),
        "defer_reason": b.defer_reason,
        "threshold": str(b.threshold),
        "threshold_text": services.threshold_text(b),
        "base": b.base,
        "rule_source": b.rule_source,
        "citation": b.citation,
        "confidence": b.confidence,
        "voted_count": getattr(b, "voted", 0),
        "you_voted": (b.pk in voted_ids) if voted_ids is not None else None,
        "votes_for": b.votes_for if closed else None,
        "votes_against": b.votes_against if closed else None,
        "votes_abstain": b.votes_abstain if closed else None,
        "base_count": b.base_count if closed else None,
        "share": str(b.share) if closed and b.share is not None else None,
        "passed": b.passed if closed else None,
    }


def _session_out(s: Session) -> dict[str, Any]:
    return {
        "id": s.pk,
        "council": s.council_id,
        "council_name": s.council.name,
        "title": s.title,
        "date": s.date,
        "place": s.place,
        "chair": s.chair_id,
        "secretary": s.secretary_id,
        "version": s.version,
    }


def _voted_ids(user: User, session: Session) -> set[int] | None:
    seat = selectors.seat_in(user, session)
    if seat is None:
        return None
    return set(
        VoteReceipt.objects.filter(ballot__session=session, member=seat).values_list("ballot_id", flat=True)
    )


def _detail(user: User, session: Session) -> dict[str, Any]:
    q = services.quorum(session)
    voted = _voted_ids(user, session)
    return {
        **_session_out(session),
        "quorum": {
            "members": q.members,
            "present": q.present,
            "needed": q.needed,
            "required": str(q.required),
            "citation": q.citation,
            "met": q.met,
        },
        "attendance": [
            {
                "member": m.pk,
                "full_name": m.full_name,
                "role_name": m.get_role_display(),
                "votes": m.votes,
                "present": here,
                "note": note,
            }
            for m, here, note in selectors.attendance_rows(session)
        ],
        "ballots": [ballot_out(b, voted) for b in selectors.ballots_for(user, session)],
    }


def _managed_ballot(user: User, session: Session, pk: int) -> Ballot:
    if not 1 <= pk <= MAX_ID:
        raise NotFound(services.NOT_ON_AGENDA)
    return selectors.ballot_get(user, session, pk)


# --- councils -------------------------------------------------------------------------------


@router.get("/councils/", response={200: list[CouncilOut], **_ERRORS}, summary="Danh sách Hội đồng TĐKT")
def list_councils(request: HttpRequest) -> list[dict[str, Any]]:
    return [_council_out(c) for c in selectors.councils_for(_user(request))]


@router.post("/councils/", response={201: CouncilOut, **_ERRORS}, summary="Thành lập Hội đồng TĐKT")
def create_council(request: HttpRequest, body: CouncilIn) -> Status:
    unit = Unit.objects.filter(pk=body.unit).first()
    if unit is None:
        raise DomainError("unit: Đơn vị không tồn tại.")
    data = body.model_dump()
    data.pop("unit")
    council = services.council_create(actor=_user(request), unit=unit, **data)
    return Status(201, _council_out(council))


@router.patch("/councils/{council_id}", response={200: CouncilOut, **_ERRORS}, summary="Sửa quy chế Hội đồng")
def update_council(request: HttpRequest, council_id: int, body: CouncilPatch) -> dict[str, Any]:
    council = _council(_user(request), council_id)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    return _council_out(
        services.council_update(actor=_user(request), council=council, version=version, **changes)
    )


@router.get(
    "/councils/{council_id}/members",
    response={200: list[MemberOut], **_ERRORS},
    summary="Thành viên Hội đồng",
)
def list_members(request: HttpRequest, council_id: int) -> list[dict[str, Any]]:
    council = _council(_user(request), council_id)
    return [_member_out(m) for m in council.members.all()]


@router.post(
    "/councils/{council_id}/members",
    response={201: MemberOut, **_ERRORS},
    summary="Bổ sung thành viên Hội đồng",
)
def add_member(request: HttpRequest, council_id: int, body: MemberIn) -> Status:
    council = _council(_user(request), council_id)
    user = User.objects.filter(pk=body.user, is_active=True).first()
    if user is None:
        raise DomainError("user: Tài khoản không tồn tại.")
    member = services.member_add(
        actor=_user(request),
        council=council,
        user=user,
        role=body.role,
        active_from=body.active_from,
        active_to=body.active_to,
        votes=body.votes,
        position=body.position,
    )
    return Status(201, _member_out(member))


@router.post(
    "/council-members/{member_id}/end",
    response={200: MemberOut, **_ERRORS},
    summary="Thôi làm thành viên Hội đồng",
)
def end_member(request: HttpRequest, member_id: int, body: MemberEnd) -> dict[str, Any]:
    member = (
        CouncilMember.objects.filter(pk=member_id).select_related("council__unit").first()
        if 1 <= member_id <= MAX_ID
        else None
    )
    if member is None or not selectors.councils_for(_user(request)).filter(pk=member.council_id).exists():
        raise NotFound("Không tìm thấy thành viên.")
    return _member_out(services.member_end(actor=_user(request), member=member, active_to=body.active_to))


# --- sessions -------------------------------------------------------------------------------


@router.get(
    "/council-sessions/", response={200: list[SessionOut], **_ERRORS}, summary="Các phiên họp Hội đồng"
)
def list_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_session_out(s) for s in selectors.sessions_for(_user(request))[:500]]


@router.post("/council-sessions/", response={201: SessionDetail, **_ERRORS}, summary="Tạo phiên họp Hội đồng")
def create_session(request: HttpRequest, body: SessionIn) -> Status:
    user = _user(request)
    council = _council(user, body.council)
    session = services.session_create(
        actor=user,
        council=council,
        title=body.title,
        date=body.date,
        place=body.place,
        chair=_member(council, body.chair, "chair"),
        secretary=_member(council, body.secretary, "secretary"),
    )
    return Status(201, _detail(user, session))


@router.get(
    "/council-sessions/{session_id}",
    response={200: SessionDetail, **_ERRORS},
    summary="Phiên họp: điểm danh, chương trình, trạng thái biểu quyết",
)
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    """Số phiếu của từng trường hợp chỉ hiện khi đã kết thúc biểu quyết."""
    return _detail(_user(request), _session(_user(request), session_id))


@router.patch(
    "/council-sessions/{session_id}", response={200: SessionDetail, **_ERRORS}, summary="Sửa phiên họp"
)
def update_session(request: HttpRequest, session_id: int, body: SessionPatch) -> dict[str, Any]:
    user = _user(request)
    session = _session(user, session_id)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    for key in ("chair", "secretary"):
        if key in changes:
            changes[key] = _member(session.council, changes[key], key)
    services.session_update(actor=user, session=session, version=version, **changes)
    return _detail(user, session)


@router.delete(
    "/council-sessions/{session_id}",
    response={204: None, **_ERRORS},
    summary="Xoá phiên họp chưa có chương trình",
)
def delete_session(request: HttpRequest, session_id: int) -> Status:
    services.session_delete(actor=_user(request), session=_session(_user(request), session_id))
    return Status(204, None)


@router.post(
    "/council-sessions/{session_id}/agenda",
    response={200: SessionDetail, **_ERRORS},
    summary="Đưa hồ sơ vào chương trình (trình Hội đồng)",
)
def add_agenda(request: HttpRequest, session_id: int, body: AgendaIn) -> dict[str, Any]:
    user = _user(request)
    session = _session(user, session_id)
    dossier = selectors.agenda_candidates(user, session).filter(pk=body.dossier).first()
    if dossier is None:
        dossier = Dossier.objects.filter(pk=body.dossier, deciding_unit=session.council.unit).first()
        if dossier is None or not selectors.can_manage(user, session.council):
            raise NotFound("Không tìm thấy hồ sơ.")
    services.agenda_add_dossier(actor=user, session=session, dossier=dossier)
    return _detail(user, session)


@router.put(
    "/council-sessions/{session_id}/attendance", response={200: SessionDetail, **_ERRORS}, summary="Điểm danh"
)
def set_attendance(request: HttpRequest, session_id: int, body: AttendanceIn) -> dict[str, Any]:
    user = _user(request)
    session = _session(user, session_id)
    services.attendance_set(actor=user, session=session, present=body.present, notes=body.notes)
    return _detail(user, session)


@router.post(
    "/council-sessions/{session_id}/ballots/{ballot_id}/open",
    response={200: BallotOut, **_ERRORS},
    summary="Mở biểu quyết một trường hợp",
)
def open_ballot(request: HttpRequest, session_id: int, ballot_id: int, body: OpenIn) -> dict[str, Any]:
    user = _user(request)
    session = _session(user, session_id)
    ballot = services.ballot_open(
        actor=user, ballot=_managed_ballot(user, session, ballot_id), mode=body.mode
    )
    return ballot_out(selectors.ballot_get(user, session, ballot.pk))


@router.post(
    "/council-sessions/{session_id}/ballots/{ballot_id}/defer",
    response={200: BallotOut, **_ERRORS},
    summary="Hoãn xét một trường hợp (chưa mở biểu quyết) sang phiên sau",
)
def defer_ballot(request: HttpRequest, session_id: int, ballot_id: int, body: DeferIn) -> dict[str, Any]:
    user = _user(request)
    session = _session(user, session_id)
    ballot = services.ballot_defer(
        actor=user, ballot=_managed_ballot(user, session, ballot_id), reason=body.reason
    )
    return ballot_out(selectors.ballot_get(user, session, ballot.pk))


@router.post(
    "/council-sessions/{session_id}/ballots/{ballot_id}/close",
    response={200: BallotOut, **_ERRORS},
    summary="Kết thúc biểu quyết, kiểm phiếu",
)
def close_ballot(request: HttpRequest, session_id: int, ballot_id: int, body: CloseIn) -> dict[str, Any]:
    """Biểu quyết giơ tay: gửi số đồng ý, không đồng ý đếm được tại phiên họp."""
    user = _user(request)
    session = _session(user, session_id)
    ballot = _managed_ballot(user, session, ballot_id)
    hands = None
    if body.votes_for is not None or body.votes_against is not None:
        hands = services.HandCount(body.votes_for or 0, body.votes_against or 0, body.votes_abstain)
    services.ballot_close(actor=user, ballot=ballot, hands=hands)
    return ballot_out(selectors.ballot_get(user, session, ballot.pk))


@router.post(
    "/council-sessions/{session_id}/close-ballots",
    response={200: list[BallotOut], **_ERRORS},
    summary="Kết thúc mọi phiếu đang mở của phiên họp",
)
def close_all(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    user = _user(request)
    session = _session(user, session_id)
    ids = {b.pk for b in services.ballots_close(actor=user, session=session)}
    return [ballot_out(b) for b in selectors.ballots_for(user, session) if b.pk in ids]


@router.post(
    "/council-sessions/{session_id}/ballots/{ballot_id}/written-opinions",
    response={200: BallotOut, **_ERRORS},
    summary="Ghi ý kiến bằng văn bản của thành viên vắng mặt (số lượng, ẩn danh)",
)
def written(request: HttpRequest, session_id: int, ballot_id: int, body: WrittenIn) -> dict[str, Any]:
    user = _user(request)
    session = _session(user, session_id)
    ballot = _managed_ballot(user, session, ballot_id)
    services.written_opinions_set(
        actor=user,
        ballot=ballot,
        votes_for=body.votes_for,
        votes_against=body.votes_against,
        votes_abstain=body.votes_abstain,
    )
    return ballot_out(selectors.ballot_get(user, session, ballot.pk))


@router.post(
    "/council-sessions/{session_id}/ballots/{ballot_id}/conflicts",
    response={201: DoneOut, **_ERRORS},
    summary="Khai báo xung đột lợi ích (không tham gia biểu quyết trường hợp này)",
)
def declare_conflict(request: HttpRequest, session_id: int, ballot_id: int, body: ConflictIn) -> Status:
    user = _user(request)
    session = _session(user, session_id)
    ballot = selectors.ballot_get(user, session, ballot_id) if 1 <= ballot_id <= MAX_ID else None
    if ballot is None:
        raise NotFound(services.NOT_ON_AGENDA)
    member = _member(session.council, body.member, "member") if body.member else None
    services.conflict_declare(actor=user, ballot=ballot, reason=body.reason, member=member)
    return Status(
        201,
        {"detail": "Đã ghi nhận khai báo xung đột lợi ích; bạn không tham gia biểu quyết trường hợp này."},
    )


@router.post(
    "/council-sessions/{session_id}/ballots/{ballot_id}/vote",
    response={200: DoneOut, **_ERRORS},
    summary="Bỏ phiếu (kín)",
)
def vote(request: HttpRequest, session_id: int, ballot_id: int, body: VoteIn) -> dict[str, str]:
    """Trả lời chỉ xác nhận đã ghi nhận, không nhắc lại lựa chọn."""
    user = _user(request)
    session = _session(user, session_id)
    if not 1 <= ballot_id <= MAX_ID:
        raise NotFound(services.NOT_ON_AGENDA)
    services.vote_cast(actor=user, session=session, ballot_id=ballot_id, choice=body.choice)
    return {"detail": VOTE_RECORDED}


@router.get(
    "/council-sessions/{session_id}/results",
    response={200: list[BallotOut], **_ERRORS},
    summary="Kết quả biểu quyết (các trường hợp đã kết thúc)",
)
def results(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    user = _user(request)
    session = _session(user, session_id)
    return [ballot_out(b) for b in selectors.closed_ballots(user, session)]


@router.get(
    "/council-sessions/{session_id}/minutes.docx",
    response={200: None, **_ERRORS},
    summary="Biên bản họp Hội đồng (DOCX)",
)
def minutes_docx(request: HttpRequest, session_id: int) -> HttpResponse:
    user = _user(request)
    session = _session(user, session_id)
    if not selectors.can_manage(user, session.council):
        raise NotFound(selectors.SESSION_NOT_FOUND)
    response = HttpResponse(minutes.build(session), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hop-hoi-dong-{session.pk}.docx"'
    return response


@router.get(
    "/council-sessions/{session_id}/minutes.pdf",
    response={200: None, **_ERRORS},
    summary="Biên bản họp Hội đồng (PDF)",
)
def minutes_pdf(request: HttpRequest, session_id: int) -> HttpResponse:
    user = _user(request)
    session = _session(user, session_id)
    if not selectors.can_manage(user, session.council):
        raise NotFound(selectors.SESSION_NOT_FOUND)
    response = HttpResponse(minutes.build_pdf(session), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hop-hoi-dong-{session.pk}.pdf"'
    return response


@router.get(
    "/council-ballots/waiting",
    response={200: list[WaitingOut], **_ERRORS},
    summary="Phiếu đang chờ tôi bỏ phiếu",
)
def waiting(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "session": b.session_id,
            "session_title": b.session.title,
            "session_date": b.session.date,
            "ballot": b.pk,
            "recipient_name": str(b.candidate.recipient),
            "award_name": b.candidate.award_type.name,
        }
        for b in selectors.waiting_ballots(_user(request))
    ]
