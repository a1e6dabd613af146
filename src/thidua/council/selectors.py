"""Reads of the council, scoped to what the user may see.

Who sees what:

* the standing body (``council.manage`` on the council's unit) sees councils,
  sessions, agenda, attendance, how many have voted, and results once closed;
* a council member sees the sessions of their council held while they hold a
  seat, the ballots they are not recused from, and results once closed;
* nobody sees a ballot's counters before it closes: the only reader of
  :class:`BallotTally` is :func:`thidua.council.services.ballot_close`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, unit_scope
from thidua.core.errors import NotFound
from thidua.council.models import (
    Attendance,
    Ballot,
    BallotMode,
    BallotState,
    Conflict,
    Council,
    CouncilMember,
    Session,
    VoteReceipt,
)
from thidua.nominations.models import Dossier

SESSION_NOT_FOUND = "Không tìm thấy phiên họp."


def _seats(user: Any) -> QuerySet[CouncilMember]:
    if not getattr(user, "pk", None) or not has_perm(user, Perm.VOTE):
        return CouncilMember.objects.none()
    return CouncilMember.objects.filter(user=user)


def councils_for(user: Any) -> QuerySet[Council]:
    scope = unit_scope(user, Perm.MANAGE_COUNCIL, "unit__")
    managed = Council.objects.all() if scope is None else Council.objects.filter(scope)
    seated = Council.objects.filter(pk__in=_seats(user).values("council_id"))
    return (managed | seated).distinct().select_related("unit")


def sessions_for(user: Any) -> QuerySet[Session]:
    """Sessions of councils the user manages, and of councils where the user held a seat on the day."""
    scope = unit_scope(user, Perm.MANAGE_COUNCIL, "council__unit__")
    q = Q(pk__in=[]) if scope is None else scope
    if scope is None:
        return Session.objects.select_related("council__unit", "chair", "secretary")
    seat_q = Q()
    for seat in _seats(user):
        seat_q |= Q(council_id=seat.council_id, date__gte=seat.active_from) & (
            Q(date__lte=seat.active_to) if seat.active_to else Q()
        )
    if seat_q:
        q |= seat_q
    return Session.objects.filter(q).select_related("council__unit", "chair", "secretary")


def session_get(user: Any, pk: int) -> Session:
    session = sessions_for(user).filter(pk=pk).first()
    if session is None:
        raise NotFound(SESSION_NOT_FOUND)
    return session


def can_manage(user: Any, council: Council) -> bool:
    return can_on_unit(user, Perm.MANAGE_COUNCIL, council.unit)


def seat_in(user: Any, session: Session) -> CouncilMember | None:
    for seat in _seats(user).filter(council_id=session.council_id, votes=True):
        if seat.active_on(session.date):
            return seat
    return None


def ballots_for(user: Any, session: Session) -> QuerySet[Ballot]:
    """The agenda as this user may see it: everything for the standing body; for a
    member, every item except those they are recused from (they see nothing of it)."""
    qs = (
        Ballot.objects.filter(session=session)
        .select_related(
            "candidate__award_type", "candidate__person", "candidate__unit", "candidate__household"
        )
        .select_related("candidate__dossier__proposer_unit")
        .annotate(voted=Count("receipts", distinct=True))
        .order_by("position", "id")
    )
    if can_manage(user, session.council):
        return qs
    seat = seat_in(user, session)
    if seat is None:
        return qs.none()
    return qs.exclude(conflicts__member=seat)


def ballot_get(user: Any, session: Session, pk: int) -> Ballot:
    ballot = ballots_for(user, session).filter(pk=pk).first()
    if ballot is None:
        raise NotFound("Trường hợp này không có trong chương trình phiên họp.")
    return ballot


@dataclass
class MemberBallot:
    """One line of a member's ballot page."""

    ballot: Ballot
    voted: bool
    can_vote: bool


def member_ballots(user: Any, session: Session) -> tuple[CouncilMember | None, bool, list[MemberBallot]]:
    """(seat, present, lines) for the member's page: items they are not recused from."""
    seat = seat_in(user, session)
    if seat is None:
        return None, False, []
    present = Attendance.objects.filter(session=session, member=seat, present=True).exists()
    voted = set(
        VoteReceipt.objects.filter(ballot__session=session, member=seat).values_list("ballot_id", flat=True)
    )
    lines = []
    for b in ballots_for(user, session):
        lines.append(
            MemberBallot(
                ballot=b,
                voted=b.pk in voted,
                can_vote=present
                and b.state == BallotState.OPEN
                and b.mode == BallotMode.SECRET
                and b.pk not in voted,
            )
        )
    return seat, present, lines


def waiting_ballots(user: Any) -> list[Ballot]:
    """The work queue of a council member: open secret ballots of sessions where
    they are present, not recused and have not voted yet."""
    seats = list(_seats(user).filter(votes=True))
    if not seats:
        return []
    ids = [s.pk for s in seats]
    qs = (
        Ballot.objects.filter(
            state=BallotState.OPEN,
            mode=BallotMode.SECRET,
            session__council_id__in={s.council_id for s in seats},
            session__attendance__member_id__in=ids,
            session__attendance__present=True,
        )
        .exclude(receipts__member_id__in=ids)
        .exclude(conflicts__member_id__in=ids)
        .select_related("session__council", "candidate__award_type", "candidate__person", "candidate__unit")
        .select_related("candidate__household")
        .order_by("session__date", "position", "id")
        .distinct()
    )
    return [
        b
        for b in qs
        if any(s.council_id == b.session.council_id and s.active_on(b.session.date) for s in seats)
    ]


def agenda_candidates(user: Any, session: Session) -> QuerySet[Dossier]:
    """Dossiers the standing body may put on this session's agenda."""
    from thidua.council.services import AGENDA_STATES, LIVE
    from thidua.nominations.models import Candidate, CandidateState, DossierState

    if not can_manage(user, session.council):
        return Dossier.objects.none()
    # At council already: only when a candidate deferred elsewhere still waits for a vote.
    waiting = Candidate.objects.filter(dossier=OuterRef("pk"), state=CandidateState.APPRAISED).exclude(
        ballots__state__in=LIVE
    )
    here = Ballot.objects.filter(session=session, candidate__dossier=OuterRef("pk"))
    again = Q(Exists(waiting), ~Exists(here), state=DossierState.AT_COUNCIL)
    return (
        Dossier.objects.filter(deciding_unit=session.council.unit)
        .filter(Q(state__in=AGENDA_STATES) | again)
        .select_related("proposer_unit")
        .order_by("created_at", "id")
    )


def attendance_rows(session: Session) -> list[tuple[CouncilMember, bool, str]]:
    """Every member active on the session day with presence and note (voting or not)."""
    marks = {a.member_id: a for a in Attendance.objects.filter(session=session)}
    rows = []
    for m in CouncilMember.objects.filter(council_id=session.council_id).order_by("sort_key", "id"):
        if m.active_on(session.date):
            a = marks.get(m.pk)
            rows.append((m, bool(a and a.present), a.note if a else ""))
    return rows


def conflicts_of(session: Session) -> QuerySet[Conflict]:
    return Conflict.objects.filter(ballot__session=session).select_related(
        "member", "ballot__candidate__person", "ballot__candidate__unit", "ballot__candidate__household"
    )


def closed_ballots(user: Any, session: Session) -> list[Ballot]:
    return [b for b in ballots_for(user, session) if b.state == BallotState.CLOSED]


def queue_sections(user: Any) -> list[Any]:
    """The council's part of "Việc cần làm" (``settings.THIDUA_QUEUE_PROVIDERS``):
    a member's ballots waiting for their vote; the standing body's sessions to
    come and those with ballots still open."""
    from django.urls import reverse
    from django.utils import timezone

    from thidua.core.queues import QueueItem, QueueSection

    sections = []
    if has_perm(user, Perm.VOTE):
        sections.append(
            QueueSection(
                key="council.waiting",
                title="Phiếu biểu quyết chờ bạn",
                items=[
                    QueueItem(
                        label=f"{b.candidate.recipient} — {b.candidate.award_type.name}",
                        url=reverse("council:ballot_page", args=[b.session_id]),
                        due=b.session.date,
                        note=f"{b.session.title}, {b.session.date:%d/%m/%Y}",
                    )
                    for b in waiting_ballots(user)
                ],
                empty_text="Không có phiếu nào chờ bạn: phiếu chỉ hiện khi biểu quyết đã mở, bạn có mặt, "
                "chưa bỏ phiếu và không khai báo xung đột lợi ích.",
            )
        )
    if has_perm(user, Perm.MANAGE_COUNCIL):
        scope = unit_scope(user, Perm.MANAGE_COUNCIL, "council__unit__")
        qs = Session.objects.all() if scope is None else Session.objects.filter(scope)
        today = timezone.localdate()
        qs = (
            qs.filter(Q(date__gte=today) | Q(ballots__state=BallotState.OPEN))
            .annotate(open_count=Count("ballots", filter=Q(ballots__state=BallotState.OPEN), distinct=True))
            .select_related("council")
            .order_by("date", "id")
            .distinct()
        )
        sections.append(
            QueueSection(
                key="council.sessions",
                title="Phiên họp Hội đồng sắp tới hoặc đang biểu quyết",
                items=[
                    QueueItem(
                        label=f"{s.title} ({s.council.name})",
                        url=reverse("council:session", args=[s.pk]),
                        due=s.date,
                        note=f"{s.open_count} phiếu đang mở"
                        if s.open_count
                        else f"họp ngày {s.date:%d/%m/%Y}",
                    )
                    for s in qs[:50]
                ],
                empty_text="Không có phiên họp nào sắp tới hoặc còn phiếu đang mở.",
            )
        )
    return sections
