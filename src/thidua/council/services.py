"""Every write of the council: councils and members, sessions, agenda,
attendance, conflicts, ballots and votes.

Secrecy of the ballot — what is stored and why:

* who has voted: :class:`VoteReceipt` (ballot, member), unique. The unique
  constraint, not a prior check, is what refuses a second vote when two
  requests race;
* what was chosen: :class:`BallotTally`, three counters per ballot. A vote
  inserts the receipt and runs ONE ``UPDATE`` that adds 1 to the chosen
  counter and 0 to the other two, in the same transaction. There is no
  per-vote row, so there is no id, timestamp or insertion order to line up
  with the receipts; and since every vote rewrites all three counters, the
  row's storage metadata (PostgreSQL ``xmin``) does not reveal the choice;
* the audit entry of a vote (``council.vote_cast``) names the member and the
  ballot, never the choice; the API answer and the page say "đã ghi nhận",
  never what; the choice travels only in a POST body (never a URL, which
  servers log);
* the voter cannot see their own choice later either: whatever the server
  could show the voter, it would have to store linked to the voter — and then
  an administrator or a database reader could read it too;
* the counters are read only by :func:`ballot_close`; selectors, the API and
  the pages show nothing of them before the ballot is closed.

What the design cannot prevent: someone reading the database *between two
votes* and comparing the counters with the receipts (the same is true of a
paper ballot box watched by the teller); PostgreSQL keeps old row versions
until VACUUM. Access to the database is an operator's matter.

Recusal: a member who declares a conflict on a candidate does not vote on
it, sees nothing of its ballot, and is left out of that ballot's base (for
"all members" and "members present" alike), so the recusal does not count
against the candidate; the member still counts as present for the quorum.

Absent members: with a base of "all members", absent members may give a
written opinion, entered by the secretary as anonymous counts (at most the
number of absent, non-recused voting members). With a base of "members
present" written opinions do not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm
from thidua.awards.selectors import RuleBook
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, NotFound, PermissionDenied
from thidua.core.notices import notify
from thidua.core.text import clean, person_sort_key
from thidua.council.models import (
    Attendance,
    Ballot,
    BallotMode,
    BallotState,
    BallotTally,
    Choice,
    Conflict,
    Council,
    CouncilMember,
    MemberRole,
    RuleSource,
    Session,
    VoteBase,
    VoteReceipt,
)
from thidua.directory.models import Unit
from thidua.nominations.models import Candidate, CandidateState, Dossier, DossierState

NOT_MEMBER = "Bạn không phải thành viên có quyền biểu quyết của Hội đồng này vào ngày họp."
ALREADY_VOTED = "Bạn đã bỏ phiếu cho trường hợp này; mỗi thành viên chỉ bỏ phiếu một lần."
NOT_OPEN = "Phiếu biểu quyết chưa mở hoặc đã kết thúc: không thể bỏ phiếu."
RECUSED = "Bạn đã khai báo xung đột lợi ích với trường hợp này nên không tham gia biểu quyết."
NOT_ON_AGENDA = "Trường hợp này không có trong chương trình phiên họp."
ABSENT = (
    "Bạn chưa được điểm danh có mặt tại phiên họp; thành viên vắng mặt gửi ý kiến bằng văn bản cho Thư ký."
)
AGENDA_STATES = {DossierState.APPRAISED, DossierState.PUBLISHED}
LIVE = (BallotState.PENDING, BallotState.OPEN)  # a candidate has at most one live ballot


# --- reading helpers shared with selectors -------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """The pass rule of one ballot and where it comes from (shown in results and minutes)."""

    threshold: Decimal
    base: str
    strict: bool
    source: str
    citation: str
    confidence: str
    ballot: str  # "secret" | "open" | "" (no requirement)


def threshold_for(
    council: Council, candidate: Candidate, day: dt.date, book: RuleBook | None = None
) -> Threshold:
    """The award rule's vote entry in force on the session day, else the council's
    own default. The procedure of the day of the session applies (the council
    votes under the rules in force when it meets)."""
    rule = (book or RuleBook.load()).rule_for(candidate.award_type, day, council.unit)
    vote = rule.vote if rule is not None else None
    if vote and vote.get("threshold"):
        return Threshold(
            threshold=Decimal(str(vote["threshold"])),
            base=vote.get("base") or VoteBase.ALL,
            strict=False,
            source=RuleSource.RULE,
            citation=str(vote.get("citation", ""))[:255],
            confidence=str(vote.get("confidence", ""))[:20],
            ballot=vote.get("ballot") or BallotMode.SECRET,
        )
    return Threshold(
        threshold=council.default_threshold,
        base=council.default_base,
        strict=council.default_strict,
        source=RuleSource.COUNCIL,
        citation=council.default_citation or "Quy chế làm việc của Hội đồng",
        confidence="council",
        ballot="",
    )


def voting_members(session: Session) -> list[CouncilMember]:
    """Voting seats active on the session date: the base "all members"."""
    return [
        m
        for m in CouncilMember.objects.filter(council_id=session.council_id, votes=True).order_by(
            "sort_key", "id"
        )
        if m.active_on(session.date)
    ]


def present_ids(session: Session) -> set[int]:
    return set(Attendance.objects.filter(session=session, present=True).values_list("member_id", flat=True))


def recused_ids(ballot: Ballot) -> set[int]:
    return set(Conflict.objects.filter(ballot=ballot).values_list("member_id", flat=True))


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    required: Decimal
    citation: str

    @property
    def met(self) -> bool:
        return self.members > 0 and Decimal(self.present) >= self.required * self.members

    @property
    def needed(self) -> int:
        """The smallest number present that meets the rule."""
        n = 0
        while n < self.members and Decimal(n) < self.required * self.members:
            n += 1
        return n


def quorum(session: Session, attendance: Sequence[tuple[CouncilMember, bool, str]] | None = None) -> Quorum:
    """The quorum of the session; ``attendance`` (``selectors.attendance_rows``)
    when the caller has it already, so a page reads the attendance once."""
    if attendance is None:
        members = voting_members(session)
        ids = {m.pk for m in members}
        n_members, present = len(members), len(present_ids(session) & ids)
    else:
        voting = [here for m, here, _note in attendance if m.votes]
        n_members, present = len(voting), sum(voting)
    return Quorum(n_members, present, session.council.quorum_share, session.council.quorum_citation)


def passes(votes_for: int, base: int, threshold: Decimal, strict: bool) -> bool:
    """``votes_for / base`` against the threshold, in exact arithmetic (12/15 is 80 %, not 79.99…)."""
    if base <= 0:
        return False
    needed = threshold * base
    return Decimal(votes_for) > needed if strict else Decimal(votes_for) >= needed


def share_of(votes_for: int, base: int) -> Decimal:
    if base <= 0:
        return Decimal("0")
    return (Decimal(votes_for) / Decimal(base)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def percent(value: Decimal) -> str:
    """0.8 → "80", 0.7333 → "73,3" (Vietnamese decimal comma)."""
    text = f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"
    text = text[:-2] if text.endswith(".0") else text
    return text.replace(".", ",")


def threshold_text(ballot: Ballot) -> str:
    op = "trên" if ballot.strict else "từ"
    tail = "" if ballot.strict else " trở lên"
    return f"{op} {percent(ballot.threshold)} %{tail} {ballot.get_base_display()}"


# --- guards ----------------------------------------------------------------------------------------


def _manage(actor: Any, unit: Unit) -> None:
    if actor is not None and not can_on_unit(actor, Perm.MANAGE_COUNCIL, unit):
        raise PermissionDenied()


def _text(value: str | None, label: str, max_length: int, *, required: bool = False) -> str:
    try:
        text = clean(value, max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label}: {exc}.") from exc
    if required and not text:
        raise DomainError(f"{label}: không được để trống.")
    return text


def _share(value: Any, label: str, *, zero_ok: bool) -> Decimal:
    try:
        d = Decimal(str(value))
    except Exception as exc:
        raise DomainError(f"{label}: phải là một tỷ lệ từ 0 đến 1 (ví dụ 0,8).") from exc
    if not d.is_finite() or d > 1 or d < 0 or (d == 0 and not zero_ok):
        raise DomainError(
            f"{label}: phải là một tỷ lệ {'từ 0' if zero_ok else 'lớn hơn 0'} đến 1 (ví dụ 0,8)."
        )
    return d.quantize(Decimal("0.001"))


def _bump(model: type, obj: Any, version: int | None, **values: Any) -> None:
    """Compare-and-set on ``version``: the second of two concurrent editors is told so."""
    qs = model.objects.filter(pk=obj.pk)
    if version is not None:
        qs = qs.filter(version=version)
    if qs.update(version=F("version") + 1, **values) != 1:
        raise ConcurrentUpdate()
    obj.refresh_from_db()


# --- councils and members ----------------------------------------------------------------------------

COUNCIL_FIELDS = (
    "name",
    "quorum_share",
    "quorum_citation",
    "default_threshold",
    "default_strict",
    "default_base",
    "default_citation",
    "allow_abstain",
)


def _council_values(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = _text(data["name"], "Tên Hội đồng", 255, required=True)
    if "quorum_share" in data:
        out["quorum_share"] = _share(data["quorum_share"], "Tỷ lệ thành viên có mặt tối thiểu", zero_ok=True)
    if "default_threshold" in data:
        out["default_threshold"] = _share(
            data["default_threshold"], "Ngưỡng biểu quyết mặc định", zero_ok=False
        )
    for key, label in (
        ("quorum_citation", "Căn cứ số thành viên dự họp"),
        ("default_citation", "Căn cứ ngưỡng"),
    ):
        if key in data:
            out[key] = _text(data[key], label, 255)
    if "default_base" in data:
        if data["default_base"] not in VoteBase.values:
            raise DomainError("Ngưỡng tính trên: chọn tổng số thành viên hoặc số thành viên có mặt.")
        out["default_base"] = data["default_base"]
    for key in ("default_strict", "allow_abstain"):
        if key in data:
            out[key] = bool(data[key])
    return out


def council_create(*, actor: Any, unit: Unit, name: str, **rules: Any) -> Council:
    _manage(actor, unit)
    unknown = set(rules) - set(COUNCIL_FIELDS)
    if unknown:
        raise DomainError("Trường không hợp lệ: " + ", ".join(sorted(unknown)))
    values = _council_values({"name": name, **rules})
    with transaction.atomic():
        council = Council.objects.create(unit=unit, **values)
        audit.record(actor=actor, action="council.council_create", obj=council, after=audit.snapshot(council))
    return council


def council_update(*, actor: Any, council: Council, version: int | None = None, **changes: Any) -> Council:
    _manage(actor, council.unit)
    unknown = set(changes) - set(COUNCIL_FIELDS)
    if unknown:
        raise DomainError("Trường không hợp lệ: " + ", ".join(sorted(unknown)))
    values = _council_values(changes)
    with transaction.atomic():
        before = audit.snapshot(council)
        _bump(Council, council, version, **values)
        audit.record(
            actor=actor,
            action="council.council_update",
            obj=council,
            before=before,
            after=audit.snapshot(council),
        )
    return council


def member_add(
    *,
    actor: Any,
    council: Council,
    user: Any,
    role: str,
    active_from: dt.date,
    active_to: dt.date | None = None,
    votes: bool = True,
    position: str = "",
    full_name: str = "",
) -> CouncilMember:
    _manage(actor, council.unit)
    if role not in MemberRole.values:
        raise DomainError("Chức danh trong Hội đồng không hợp lệ.")
    if active_to is not None and active_to < active_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.")
    name = _text(
        full_name or getattr(user, "full_name", "") or user.get_username(), "Họ và tên", 150, required=True
    )
    with transaction.atomic():
        for other in CouncilMember.objects.select_for_update().filter(council=council, user=user):
            if (other.active_to is None or other.active_to >= active_from) and (
                active_to is None or active_to >= other.active_from
            ):
                raise DomainError(f"{name} đã là thành viên Hội đồng trong khoảng thời gian này.")
        member = CouncilMember.objects.create(
            council=council,
            user=user,
            full_name=name,
            position=_text(position, "Chức vụ", 255),
            role=role,
            votes=votes,
            active_from=active_from,
            active_to=active_to,
            sort_key=person_sort_key(name),
        )
        audit.record(actor=actor, action="council.member_add", obj=member, after=audit.snapshot(member))
    return member


def _took_part_after(member: CouncilMember, day: dt.date) -> Session | None:
    """The first session after ``day`` in which the member took part: marked present,
    chairing or taking the minutes, declared a conflict or voted."""
    return (
        Session.objects.filter(council_id=member.council_id, date__gt=day)
        .filter(
            Q(attendance__member=member, attendance__present=True)
            | Q(chair=member)
            | Q(secretary=member)
            | Q(ballots__receipts__member=member)
            | Q(ballots__conflicts__member=member)
        )
        .order_by("date", "id")
        .first()
    )


def member_end(*, actor: Any, member: CouncilMember, active_to: dt.date) -> CouncilMember:
    """A member leaves the council (membership changes over time; past sessions keep their base).

    The end date cannot fall before a session the member already took part in:
    that session's base, quorum and receipts would stop adding up."""
    _manage(actor, member.council.unit)
    if active_to < member.active_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.")
    with transaction.atomic():
        member = CouncilMember.objects.select_for_update().select_related("council__unit").get(pk=member.pk)
        later = _took_part_after(member, active_to)
        if later is not None:
            raise DomainError(
                f"{member.full_name} đã tham gia phiên họp ngày {later.date:%d/%m/%Y} "
                f"({later.title}): ngày kết thúc nhiệm vụ không được trước ngày đó."
            )
        before = audit.snapshot(member)
        CouncilMember.objects.filter(pk=member.pk).update(active_to=active_to)
        member.refresh_from_db()
        audit.record(
            actor=actor, action="council.member_end", obj=member, before=before, after=audit.snapshot(member)
        )
    return member


# --- sessions, agenda, attendance --------------------------------------------------------------------


def _member_of(
    council: Council, member: CouncilMember | None, label: str, day: dt.date
) -> CouncilMember | None:
    if member is None:
        return None
    if member.council_id != council.pk or not member.active_on(day):
        raise DomainError(f"{label} phải là thành viên của Hội đồng vào ngày họp.")
    return member


def session_create(
    *,
    actor: Any,
    council: Council,
    title: str,
    date: dt.date,
    place: str = "",
    chair: CouncilMember | None = None,
    secretary: CouncilMember | None = None,
) -> Session:
    _manage(actor, council.unit)
    values = {
        "title": _text(title, "Nội dung phiên họp", 255, required=True),
        "place": _text(place, "Địa điểm", 255),
        "chair": _member_of(council, chair, "Người chủ trì", date),
        "secretary": _member_of(council, secretary, "Thư ký", date),
    }
    with transaction.atomic():
        session = Session.objects.create(council=council, date=date, **values)
        audit.record(actor=actor, action="council.session_create", obj=session, after=audit.snapshot(session))
    return session


def _started(session: Session) -> bool:
    return session.ballots.filter(state__in=(BallotState.OPEN, BallotState.CLOSED)).exists()


def session_update(*, actor: Any, session: Session, version: int | None = None, **changes: Any) -> Session:
    _manage(actor, session.council.unit)
    allowed = {"title", "date", "place", "chair", "secretary"}
    if set(changes) - allowed:
        raise DomainError("Trường không hợp lệ: " + ", ".join(sorted(set(changes) - allowed)))
    day = changes.get("date", session.date)
    if "date" in changes and changes["date"] != session.date and _started(session):
        raise DomainError("Phiên họp đã bắt đầu biểu quyết: không đổi được ngày họp.")
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = _text(changes["title"], "Nội dung phiên họp", 255, required=True)
    if "place" in changes:
        values["place"] = _text(changes["place"], "Địa điểm", 255)
    if "date" in changes:
        values["date"] = day
    for key, label in (("chair", "Người chủ trì"), ("secretary", "Thư ký")):
        if key in changes:
            values[key] = _member_of(session.council, changes[key], label, day)
        elif "date" in changes:  # the one already chosen must still sit on the new date
            _member_of(session.council, getattr(session, key), label, day)
    with transaction.atomic():
        before = audit.snapshot(session)
        _bump(Session, session, version, **values)
        audit.record(
            actor=actor,
            action="council.session_update",
            obj=session,
            before=before,
            after=audit.snapshot(session),
        )
    return session


def agenda_add_dossier(*, actor: Any, session: Session, dossier: Dossier) -> list[Ballot]:
    """Put a dossier's appraised candidates on the agenda and move the dossier to
    "at council" through the nominations state machine (one transaction).

    A dossier already at council (a candidate deferred by an earlier session)
    is added again without a transition: its candidates still waiting for the
    council's vote (appraised, no pending or open ballot) go on this agenda."""
    from thidua.nominations import services as nominations  # the contract's one state machine

    council = session.council
    _manage(actor, council.unit)
    if dossier.deciding_unit_id != council.unit_id:
        raise DomainError("Hồ sơ không gửi tới cơ quan có Hội đồng này.")
    again = dossier.state == DossierState.AT_COUNCIL
    if not again and dossier.state not in AGENDA_STATES:
        raise DomainError(
            f"Hồ sơ đang ở trạng thái “{dossier.get_state_display()}”: chỉ hồ sơ đã thẩm định "
            "hoặc đã công khai mới được trình Hội đồng."
        )
    with transaction.atomic():
        if not Session.objects.select_for_update().filter(pk=session.pk).exists():
            raise NotFound("Không tìm thấy phiên họp.")
        candidates = Candidate.objects.filter(dossier=dossier, state=CandidateState.APPRAISED)
        if again:
            candidates = candidates.exclude(ballots__state__in=LIVE)
        candidates = list(candidates.select_related("award_type").order_by("id"))
        if not candidates:
            raise DomainError("Hồ sơ không có người, tập thể nào đủ điều kiện trình Hội đồng.")
        if again and Ballot.objects.filter(session=session, candidate__in=candidates).exists():
            raise DomainError("Trường hợp đã hoãn xét chỉ được đưa vào chương trình của một phiên họp sau.")
        if not again:
            nominations.transition(actor=actor, dossier=dossier, action="to_council", version=dossier.version)
        start = (session.ballots.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        ballots = []
        book = RuleBook.load()
        for offset, candidate in enumerate(candidates):
            if Ballot.objects.filter(candidate=candidate, state__in=LIVE).exists():
                raise DomainError(f"{candidate.recipient} đã có trong chương trình một phiên họp khác.")
            rule = threshold_for(council, candidate, session.date, book)
            ballot = Ballot.objects.create(
                session=session,
                candidate=candidate,
                position=start + offset,
                mode=BallotMode.SECRET,
                allow_abstain=council.allow_abstain,
                threshold=rule.threshold,
                strict=rule.strict,
                base=rule.base,
                rule_source=rule.source,
                citation=rule.citation,
                confidence=rule.confidence,
            )
            BallotTally.objects.create(ballot=ballot)
            audit.record(actor=actor, action="council.agenda_add", obj=ballot, after=audit.snapshot(ballot))
            ballots.append(ballot)
    return ballots


def attendance_set(
    *, actor: Any, session: Session, present: Iterable[int], notes: dict[int, str] | None = None
) -> Quorum:
    """Record who is present (ids of members). Once voting has started, a member
    already marked present cannot be marked absent (they may have voted)."""
    _manage(actor, session.council.unit)
    notes = notes or {}
    members = {m.pk: m for m in CouncilMember.objects.filter(council_id=session.council_id)}
    wanted = set(present)
    bad = [pk for pk in wanted | set(notes) if pk not in members or not members[pk].active_on(session.date)]
    if bad:
        raise DomainError("Có người không phải thành viên Hội đồng vào ngày họp: không ghi điểm danh.")
    with transaction.atomic():
        current = {a.member_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
        if _started(session):
            dropped = [pk for pk, a in current.items() if a.present and pk not in wanted]
            if dropped:
                raise DomainError(
                    "Đã mở biểu quyết: không thể chuyển thành viên đã điểm danh có mặt sang vắng mặt."
                )
        before = {str(pk): a.present for pk, a in current.items()}
        for pk, member in members.items():
            if not member.active_on(session.date):
                continue
            note = _text(notes.get(pk, current[pk].note if pk in current else ""), "Ghi chú", 255)
            Attendance.objects.update_or_create(
                session=session, member=member, defaults={"present": pk in wanted, "note": note}
            )
        after = {str(pk): pk in wanted for pk, m in members.items() if m.active_on(session.date)}
        audit.record(actor=actor, action="council.attendance", obj=session, before=before, after=after)
    return quorum(session)


# --- conflicts ----------------------------------------------------------------------------------------


def _seat(actor: Any, session: Session) -> CouncilMember | None:
    """The actor's voting seat in this session's council on the session date."""
    if actor is None or not getattr(actor, "pk", None):
        return None
    for m in CouncilMember.objects.filter(council_id=session.council_id, user=actor, votes=True):
        if m.active_on(session.date):
            return m
    return None


def conflict_declare(
    *, actor: Any, ballot: Ballot, reason: str, member: CouncilMember | None = None
) -> Conflict:
    """A member declares a conflict on a candidate (or the standing body records it
    for them). Refused once the member has voted: an anonymous vote cannot be taken back."""
    session = ballot.session
    if member is None:
        member = _seat(actor, session)
        if member is None or not has_perm(actor, Perm.VOTE):
            raise PermissionDenied(NOT_MEMBER)
    else:
        _manage(actor, session.council.unit)
        if member.council_id != session.council_id or not member.active_on(session.date):
            raise DomainError("Người này không phải thành viên Hội đồng vào ngày họp.")
    text = _text(reason, "Lý do", 500, required=True)
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.state not in LIVE:
            raise DomainError("Biểu quyết đã kết thúc: không khai báo xung đột lợi ích được nữa.")
        if VoteReceipt.objects.filter(ballot=ballot, member=member).exists():
            raise DomainError(
                "Thành viên đã bỏ phiếu cho trường hợp này: không thể khai báo xung đột lợi ích sau khi bỏ phiếu."
            )
        if Conflict.objects.filter(ballot=ballot, member=member).exists():
            raise DomainError("Đã khai báo xung đột lợi ích cho trường hợp này.")
        conflict = Conflict.objects.create(ballot=ballot, member=member, reason=text, declared_by=actor)
        audit.record(
            actor=actor, action="council.conflict_declare", obj=conflict, after=audit.snapshot(conflict)
        )
    return conflict


# --- ballots ------------------------------------------------------------------------------------------


def _locked(ballot: Ballot, session: Session | None = None) -> Ballot:
    locked = (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("session__council__unit", "candidate")
        .filter(pk=ballot.pk)
    )
    if session is not None:
        locked = locked.filter(session=session)
    found = locked.first()
    if found is None:
        raise NotFound(NOT_ON_AGENDA)
    return found


def ballot_open(*, actor: Any, ballot: Ballot, mode: str = BallotMode.SECRET) -> Ballot:
    """Open the vote on one agenda item. The quorum must be met; the threshold
    is refreshed from the rule data; open (show-of-hands) voting only where the
    award's rule does not require a secret ballot."""
    session = ballot.session
    _manage(actor, session.council.unit)
    if mode not in BallotMode.values:
        raise DomainError("Hình thức biểu quyết không hợp lệ.")
    with transaction.atomic():
        ballot = _locked(ballot)
        q = quorum(session)
        if not q.met:
            raise DomainError(
                f"Chưa đủ số thành viên dự họp: có mặt {q.present}/{q.members}, cần ít nhất {q.needed} "
                f"({percent(q.required)} %{', ' + q.citation if q.citation else ''})."
            )
        if ballot.state != BallotState.PENDING:
            raise DomainError("Phiếu biểu quyết này đã được mở.")
        rule = threshold_for(session.council, ballot.candidate, session.date)
        if mode == BallotMode.OPEN and rule.ballot == BallotMode.SECRET:
            raise DomainError(f"Quy định khen thưởng này yêu cầu bỏ phiếu kín ({rule.citation}).")
        before = audit.snapshot(ballot)
        _bump(
            Ballot,
            ballot,
            None,
            state=BallotState.OPEN,
            mode=mode,
            threshold=rule.threshold,
            strict=rule.strict,
            base=rule.base,
            rule_source=rule.source,
            citation=rule.citation,
            confidence=rule.confidence,
        )
        audit.record(
            actor=actor, action="council.ballot_open", obj=ballot, before=before, after=audit.snapshot(ballot)
        )
        if ballot.mode == BallotMode.SECRET:
            _notify_open(ballot, session)
    return ballot


def _notify_open(ballot: Ballot, session: Session) -> int:
    """E-mail the members who can vote online now: voting seats marked present and
    not recused (absent members give written opinions to the secretary instead;
    a show of hands is voted in the room). Sent after commit (core.notices)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    present = present_ids(session) - recused_ids(ballot)
    ids = [m.user_id for m in voting_members(session) if m.pk in present]
    users = get_user_model().objects.filter(pk__in=ids)
    link = f"{getattr(settings, 'THIDUA_PUBLIC_URL', '')}{reverse('council:ballot_page', args=[session.pk])}"
    candidate = ballot.candidate
    return notify(
        users,
        f"[thidua] Mở bỏ phiếu kín: {candidate.recipient} — {candidate.award_type.name}",
        f"{session.council.name} đã mở bỏ phiếu kín về đề nghị tặng {candidate.award_type.name} "
        f"cho {candidate.recipient} tại phiên họp “{session.title}” ngày {session.date:%d/%m/%Y}.\n"
        f"Bỏ phiếu tại: {link}\n"
        "Phiếu kín: hệ thống chỉ ghi nhận bạn đã bỏ phiếu, không lưu bạn chọn gì.",
    )


def ballot_defer(*, actor: Any, ballot: Ballot, reason: str) -> Ballot:
    """Defer a candidate (hoãn xét) before the vote opens: the candidate stays at
    council, waiting for a later session. Once a vote is open, anonymous votes
    may already be cast and cannot be undone, so the vote is closed instead."""
    _manage(actor, ballot.session.council.unit)
    text = _text(reason, "Lý do hoãn xét", 500, required=True)
    with transaction.atomic():
        ballot = _locked(ballot)
        if ballot.state != BallotState.PENDING:
            raise DomainError("Chỉ hoãn xét được trường hợp chưa mở biểu quyết.")
        before = audit.snapshot(ballot)
        _bump(Ballot, ballot, None, state=BallotState.DEFERRED, defer_reason=text)
        audit.record(
            actor=actor,
            action="council.ballot_defer",
            obj=ballot,
            before=before,
            after=audit.snapshot(ballot),
        )
    return ballot


def _eligible(ballot: Ballot) -> tuple[list[CouncilMember], set[int], set[int]]:
    members = voting_members(ballot.session)
    ids = {m.pk for m in members}
    return members, present_ids(ballot.session) & ids, recused_ids(ballot) & ids


def written_opinions_set(
    *, actor: Any, ballot: Ballot, votes_for: int, votes_against: int, votes_abstain: int = 0
) -> Ballot:
    """The secretary enters the written opinions of absent members as anonymous counts."""
    _manage(actor, ballot.session.council.unit)
    counts = (votes_for, votes_against, votes_abstain)
    if any(not isinstance(c, int) or c < 0 for c in counts):
        raise DomainError("Số ý kiến phải là số nguyên không âm.")
    with transaction.atomic():
        ballot = _locked(ballot)
        if ballot.state not in LIVE:
            raise DomainError("Biểu quyết đã kết thúc: không ghi thêm ý kiến được.")
        if ballot.base != VoteBase.ALL and sum(counts):
            raise DomainError("Ngưỡng tính trên số thành viên có mặt: ý kiến bằng văn bản không được tính.")
        if votes_abstain and not ballot.allow_abstain:
            raise DomainError("Hội đồng không áp dụng phiếu không biểu quyết.")
        members, present, recused = _eligible(ballot)
        absent = len({m.pk for m in members} - present - recused)
        if sum(counts) > absent:
            raise DomainError(
                f"Tổng số ý kiến bằng văn bản ({sum(counts)}) vượt quá số thành viên vắng mặt ({absent})."
            )
        before = audit.snapshot(ballot, ["written_for", "written_against", "written_abstain"])
        Ballot.objects.filter(pk=ballot.pk).update(
            written_for=votes_for, written_against=votes_against, written_abstain=votes_abstain
        )
        ballot.refresh_from_db()
        audit.record(
            actor=actor,
            action="council.written_opinions",
            obj=ballot,
            before=before,
            after=audit.snapshot(ballot, ["written_for", "written_against", "written_abstain"]),
        )
    return ballot


def vote_cast(*, actor: Any, session: Session, ballot_id: int, choice: str) -> None:
    """One member's secret vote on one agenda item. Returns nothing on purpose."""
    if actor is None or not has_perm(actor, Perm.VOTE):
        raise PermissionDenied(NOT_MEMBER)
    if choice not in Choice.values:
        raise DomainError("Lựa chọn không hợp lệ: chọn Đồng ý hoặc Không đồng ý.")
    member = _seat(actor, session)
    if member is None:
        raise PermissionDenied(NOT_MEMBER)
    with transaction.atomic():
        ballot = _locked(Ballot(pk=ballot_id), session) if ballot_id else None
        if ballot is None:
            raise NotFound(NOT_ON_AGENDA)
        if Conflict.objects.filter(ballot=ballot, member=member).exists():
            raise PermissionDenied(RECUSED)
        if ballot.state != BallotState.OPEN:
            raise DomainError(NOT_OPEN, code="closed")
        if ballot.mode != BallotMode.SECRET:
            raise DomainError("Trường hợp này biểu quyết giơ tay tại phiên họp, không bỏ phiếu trực tuyến.")
        if choice == Choice.ABSTAIN and not ballot.allow_abstain:
            raise DomainError("Hội đồng không áp dụng phiếu không biểu quyết: chọn Đồng ý hoặc Không đồng ý.")
        if not Attendance.objects.filter(session=session, member=member, present=True).exists():
            raise DomainError(ABSENT)
        try:
            with transaction.atomic():
                VoteReceipt.objects.create(ballot=ballot, member=member)
        except IntegrityError as exc:
            raise DomainError(ALREADY_VOTED, code="already_voted") from exc
        updated = BallotTally.objects.filter(ballot=ballot).update(
            for_count=F("for_count") + (1 if choice == Choice.FOR else 0),
            against_count=F("against_count") + (1 if choice == Choice.AGAINST else 0),
            abstain_count=F("abstain_count") + (1 if choice == Choice.ABSTAIN else 0),
        )
        if updated != 1:  # pragma: no cover - every ballot is created with its tally
            raise DomainError("Không ghi được phiếu; hãy thử lại.")
        audit.record(actor=actor, action="council.vote_cast", obj=ballot, after={"member": member.pk})


@dataclass(frozen=True)
class HandCount:
    votes_for: int
    votes_against: int
    votes_abstain: int = 0


@dataclass(frozen=True)
class _Seats:
    """Who may vote in a session and who is there: the same for every ballot
    of the session, so closing all of them reads it once."""

    members: list[CouncilMember]
    present: set[int]


def _seats(session: Session) -> _Seats:
    members = voting_members(session)
    return _Seats(members, present_ids(session) & {m.pk for m in members})


def _close_one(
    actor: Any, ballot: Ballot, hands: HandCount | None, seats: _Seats, recused: set[int], tally: BallotTally
) -> Ballot:
    members, present = seats.members, seats.present
    recused = recused & {m.pk for m in members}
    eligible_present = present - recused
    if ballot.mode == BallotMode.OPEN:
        if hands is None:
            raise DomainError("Biểu quyết giơ tay: hãy nhập số đồng ý, không đồng ý.")
        counts = (hands.votes_for, hands.votes_against, hands.votes_abstain)
        if any(c < 0 for c in counts) or sum(counts) > len(eligible_present):
            raise DomainError(
                f"Tổng số biểu quyết ({sum(counts)}) vượt quá số thành viên có mặt được biểu quyết "
                f"({len(eligible_present)})."
            )
        if hands.votes_abstain and not ballot.allow_abstain:
            raise DomainError("Hội đồng không áp dụng phiếu không biểu quyết.")
        online = counts
    else:
        online = (tally.for_count, tally.against_count, tally.abstain_count)
    votes_for = online[0] + ballot.written_for
    votes_against = online[1] + ballot.written_against
    votes_abstain = online[2] + ballot.written_abstain
    base = len(members) - len(recused) if ballot.base == VoteBase.ALL else len(eligible_present)
    passed = passes(votes_for, base, ballot.threshold, ballot.strict)
    before = audit.snapshot(ballot)
    _bump(
        Ballot,
        ballot,
        None,
        state=BallotState.CLOSED,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        base_count=base,
        members_count=len(members),
        present_count=len(present),
        share=share_of(votes_for, base),
        passed=passed,
    )
    # Rewrite the counters in the closing transaction: the row's last writer is the closer.
    BallotTally.objects.filter(ballot=ballot).update(for_count=F("for_count"))
    audit.record(
        actor=actor, action="council.ballot_close", obj=ballot, before=before, after=audit.snapshot(ballot)
    )
    return ballot


def result_note(ballot: Ballot) -> str:
    verdict = "Thông qua" if ballot.passed else "Không thông qua"
    return (
        f"{verdict}: {ballot.votes_for}/{ballot.base_count} đồng ý ({percent(ballot.share or Decimal(0))} %); "
        f"ngưỡng {threshold_text(ballot)} ({ballot.citation})"
    )[:500]


def ballots_close(
    *,
    actor: Any,
    session: Session,
    ballot_ids: Iterable[int] | None = None,
    hands: dict[int, HandCount] | None = None,
) -> list[Ballot]:
    """Close open ballots of a session (all, or those named), compute each result
    and hand them to the nominations workflow in one transaction."""
    from thidua.nominations.services import CouncilResult, council_results_recorded

    _manage(actor, session.council.unit)
    hands = hands or {}
    with transaction.atomic():
        qs = Ballot.objects.select_for_update(of=("self",)).filter(session=session)
        if ballot_ids is not None:
            ids = set(ballot_ids)
            qs = qs.filter(pk__in=ids)
            found = list(qs.select_related("session__council__unit", "candidate").order_by("position", "id"))
            if len(found) != len(ids):
                raise NotFound(NOT_ON_AGENDA)
            if any(b.state != BallotState.OPEN for b in found):
                raise DomainError("Chỉ kết thúc được phiếu đang mở.")
        else:
            found = list(
                qs.filter(state=BallotState.OPEN)
                .select_related("session__council__unit", "candidate")
                .order_by("position", "id")
            )
            if not found:
                raise DomainError("Không có phiếu nào đang mở.")
        # members, attendance, recusals and tallies: read once for all the ballots
        seats = _seats(session)
        recused: dict[int, set[int]] = {b.pk: set() for b in found}
        for ballot_id, member_id in Conflict.objects.filter(ballot__in=found).values_list(
            "ballot_id", "member_id"
        ):
            recused[ballot_id].add(member_id)
        tallies = {t.ballot_id: t for t in BallotTally.objects.filter(ballot__in=found)}
        closed = [_close_one(actor, b, hands.get(b.pk), seats, recused[b.pk], tallies[b.pk]) for b in found]
        council_results_recorded(
            actor=actor,
            results=[
                CouncilResult(
                    candidate=b.candidate,
                    votes_for=b.votes_for or 0,
                    votes_against=b.votes_against or 0,
                    members=b.members_count or 0,
                    passed=bool(b.passed),
                    note=result_note(b),
                )
                for b in closed
            ],
        )
    return closed


def ballot_close(*, actor: Any, ballot: Ballot, hands: HandCount | None = None) -> Ballot:
    return ballots_close(
        actor=actor,
        session=ballot.session,
        ballot_ids=[ballot.pk],
        hands={ballot.pk: hands} if hands else None,
    )[0]


def session_delete(*, actor: Any, session: Session, version: int | None = None) -> None:
    """A session entered by mistake; refused once it has an agenda (dossiers moved to council).

    The session row is locked, as :func:`agenda_add_dossier` locks it, so a
    dossier put on the agenda at the same moment cannot be deleted with it."""
    _manage(actor, session.council.unit)
    with transaction.atomic():
        session = Session.objects.select_for_update().filter(pk=session.pk).first()
        if session is None:
            raise NotFound("Không tìm thấy phiên họp.")
        if version is not None and session.version != version:
            raise ConcurrentUpdate()
        if session.ballots.exists():
            raise DomainError("Phiên họp đã có chương trình: không xoá được.")
        audit.record(
            actor=actor, action="council.session_delete", obj=session, before=audit.snapshot(session)
        )
        Attendance.objects.filter(session=session).delete()
        session.delete()
