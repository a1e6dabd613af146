"""Request and response shapes of the council API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from thidua.directory.schemas import Id


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class DoneOut(Schema):
    detail: str


class CouncilIn(Schema):
    unit: Id
    name: str = Field(max_length=255)
    quorum_share: str = Field("0.5", description="Tỷ lệ thành viên có mặt tối thiểu, ví dụ 0.8")
    quorum_citation: str = Field("", max_length=255)
    default_threshold: str = Field("0.5", description="Ngưỡng khi quy định khen thưởng không đặt ngưỡng")
    default_strict: bool = True
    default_base: Literal["all", "present"] = "present"
    default_citation: str = Field("", max_length=255)
    allow_abstain: bool = False


class CouncilPatch(Schema):
    version: int | None = None
    name: str | None = Field(None, max_length=255)
    quorum_share: str | None = None
    quorum_citation: str | None = Field(None, max_length=255)
    default_threshold: str | None = None
    default_strict: bool | None = None
    default_base: Literal["all", "present"] | None = None
    default_citation: str | None = Field(None, max_length=255)
    allow_abstain: bool | None = None


class CouncilOut(Schema):
    id: int
    unit: int
    unit_name: str
    name: str
    quorum_share: str
    quorum_citation: str
    default_threshold: str
    default_strict: bool
    default_base: str
    default_citation: str
    allow_abstain: bool
    version: int


class MemberIn(Schema):
    user: Id
    role: Literal["chair", "standing_vice", "vice", "member", "secretary"]
    active_from: dt.date
    active_to: dt.date | None = None
    votes: bool = True
    position: str = Field("", max_length=255)


class MemberEnd(Schema):
    active_to: dt.date


class MemberOut(Schema):
    id: int
    user: int
    full_name: str
    position: str
    role: str
    role_name: str
    votes: bool
    active_from: dt.date
    active_to: dt.date | None


class SessionIn(Schema):
    council: Id
    title: str = Field(max_length=255)
    date: dt.date
    place: str = Field("", max_length=255)
    chair: Id | None = None
    secretary: Id | None = None


class SessionPatch(Schema):
    version: int | None = None
    title: str | None = Field(None, max_length=255)
    date: dt.date | None = None
    place: str | None = Field(None, max_length=255)
    chair: Id | None = None
    secretary: Id | None = None


class QuorumOut(Schema):
    members: int
    present: int
    needed: int
    required: str
    citation: str
    met: bool


class AttendanceIn(Schema):
    present: list[Id]
    notes: dict[int, str] = {}


class AttendanceOut(Schema):
    member: int
    full_name: str
    role_name: str
    votes: bool
    present: bool
    note: str


class BallotOut(Schema):
    id: int
    position: int
    candidate: int
    recipient_name: str
    award_type: str
    award_name: str
    dossier: str
    mode: str
    state: str
    state_name: str
    defer_reason: str = ""
    threshold: str
    threshold_text: str
    base: str
    rule_source: str
    citation: str
    confidence: str
    voted_count: int = Field(description="Số thành viên đã bỏ phiếu (không kèm lựa chọn)")
    you_voted: bool | None = Field(None, description="Bạn đã bỏ phiếu hay chưa (không ghi lựa chọn)")
    # Filled only once the ballot is closed.
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    base_count: int | None = None
    share: str | None = None
    passed: bool | None = None


class SessionOut(Schema):
    id: int
    council: int
    council_name: str
    title: str
    date: dt.date
    place: str
    chair: int | None
    secretary: int | None
    version: int


class SessionDetail(SessionOut):
    quorum: QuorumOut
    attendance: list[AttendanceOut]
    ballots: list[BallotOut]


class AgendaIn(Schema):
    dossier: Id


class OpenIn(Schema):
    mode: Literal["secret", "open"] = "secret"


class CloseIn(Schema):
    votes_for: int | None = Field(None, ge=0, le=1000, description="Chỉ với biểu quyết giơ tay")
    votes_against: int | None = Field(None, ge=0, le=1000)
    votes_abstain: int = Field(0, ge=0, le=1000)


class WrittenIn(Schema):
    votes_for: int = Field(ge=0, le=1000)
    votes_against: int = Field(ge=0, le=1000)
    votes_abstain: int = Field(0, ge=0, le=1000)


class ConflictIn(Schema):
    reason: str = Field(max_length=500)
    member: Id | None = Field(None, description="Thường trực khai thay thành viên; bỏ trống khi tự khai")


class DeferIn(Schema):
    reason: str = Field(max_length=500)


class VoteIn(Schema):
    choice: Literal["for", "against", "abstain"]


class WaitingOut(Schema):
    session: int
    session_title: str
    session_date: dt.date
    ballot: int
    recipient_name: str
    award_name: str
