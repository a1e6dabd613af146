"""Request and response shapes of the contests API (officers' and participants')."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

MAX_ID = 2**62


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class PrizeLevel(Schema):
    level: str = Field("", max_length=20)
    label: str = Field(..., max_length=60)
    count: int = Field(..., ge=0, le=1000)
    amount: int = Field(0, ge=0, le=10_000_000_000, description="Tiền thưởng mỗi giải (đồng)")
    points: int = Field(0, ge=0, le=10_000, description="Điểm cho đơn vị khi xét giải tập thể theo điểm")


class ContestSettings(Schema):
    description: str | None = Field(None, max_length=5000)
    questions_per_attempt: int | None = Field(None, ge=1, le=200)
    time_limit_seconds: int | None = Field(None, ge=30, le=86400)
    attempts_per_round: int | None = Field(None, ge=1, le=100)
    prediction_question: str | None = Field(None, max_length=300)
    prizes: list[PrizeLevel] | None = None
    prize_per_round: bool | None = None
    collective_prize_count: int | None = Field(None, ge=0, le=500)
    collective_basis: Literal["rate", "count", "points"] | None = None
    collective_prize_label: str | None = Field(None, max_length=60)
    collective_prize_amount: int | None = Field(None, ge=0, le=10_000_000_000)
    points_per_percent: float | None = Field(None, ge=0, le=1000)


class ContestIn(ContestSettings):
    name: str = Field(..., max_length=255)
    organiser: int = Field(..., ge=1, le=MAX_ID)


class ContestPatch(ContestSettings):
    name: str | None = Field(None, max_length=255)
    version: int = Field(..., ge=1)


class StatusIn(Schema):
    status: Literal["open", "closed"]


class InvitationIn(Schema):
    unit: int = Field(..., ge=1, le=MAX_ID)
    headcount: int | None = Field(None, ge=1, le=10_000_000)


class RoundIn(Schema):
    name: str = Field(..., max_length=120)
    opens_at: dt.datetime
    closes_at: dt.datetime


class RoundOut(Schema):
    id: int
    number: int
    name: str
    opens_at: dt.datetime
    closes_at: dt.datetime


class TopicIn(Schema):
    name: str = Field(..., max_length=200)
    quota: int = Field(0, ge=0, le=200)


class TopicOut(Schema):
    id: int
    name: str
    quota: int


class QuestionIn(Schema):
    topic: int = Field(..., ge=1, le=MAX_ID)
    text: str = Field(..., max_length=2000)
    kind: Literal["single", "multiple"] = "single"
    options: list[str] = Field(..., max_length=8)
    correct: list[int] = Field(..., max_length=8)


class QuestionOut(Schema):
    id: int
    topic: int
    text: str
    kind: str
    options: list[str]
    correct: list[int]
    active: bool


class InvitationOut(Schema):
    unit: int
    unit_name: str
    headcount: int | None


class ContestOut(Schema):
    id: int
    name: str
    slug: str
    public_url: str
    organiser: int
    organiser_name: str
    status: str
    status_label: str
    description: str
    questions_per_attempt: int
    time_limit_seconds: int
    attempts_per_round: int
    prediction_question: str
    prizes: list[PrizeLevel]
    prize_per_round: bool
    collective_prize_count: int
    collective_basis: str
    collective_prize_label: str
    collective_prize_amount: int
    points_per_percent: float
    prize_decision: int | None = Field(None, description="Quyết định trao giải (nếu đã lập)")
    version: int
    rounds: list[RoundOut]
    topics: list[TopicOut]
    invitations: list[InvitationOut]
    question_count: int


class ContestBrief(Schema):
    id: int
    name: str
    slug: str
    organiser_name: str
    status: str
    status_label: str


class ImportDone(Schema):
    created: int


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportRefused(Schema):
    detail: str
    errors: list[RowErrorOut]


class UnitStat(Schema):
    unit_id: int
    unit_name: str
    participants: int
    attempts: int
    headcount: int | None
    rate: float | None


class DayStat(Schema):
    day: dt.date
    attempts: int
    all_correct: int


class OptionStat(Schema):
    text: str
    chosen: int
    correct: bool


class QuestionStat(Schema):
    question_id: int
    text: str
    topic: str
    shown: int
    correct: int
    blank: int
    correct_rate: float | None
    options: list[OptionStat]


class StatsOut(Schema):
    invited_units: int
    units_with_participants: int
    registered: int
    participants: int
    attempts: int
    max_score: int
    max_score_participants: int
    all_correct_attempts: int
    free_text_participants: int
    per_unit: list[UnitStat]
    per_day: list[DayStat]
    questions: list[QuestionStat]


class EntryOut(Schema):
    rank: int
    participant_id: int
    full_name: str
    unit_name: str
    round_id: int
    score: int
    prediction: int | None
    prediction_gap: int | None
    duration_ms: int
    submitted_at: dt.datetime


class WinnerOut(Schema):
    level: str
    level_label: str
    rank: int
    tied: bool
    round: str | None
    participant_id: int
    full_name: str
    unit_id: int | None
    unit_name: str
    score: int
    prediction: int | None
    duration_ms: int
    submitted_at: dt.datetime
    amount: int = 0


class UnitWinnerOut(Schema):
    rank: int
    unit_id: int
    unit_name: str
    participants: int
    headcount: int | None
    rate: float | None
    tied: bool
    points: float | None = None
    amount: int = 0


class PrizesOut(Schema):
    individuals: list[WinnerOut]
    collectives: list[UnitWinnerOut]


# --- participants -------------------------------------------------------------------------


class PublicRound(Schema):
    number: int
    name: str
    opens_at: dt.datetime
    closes_at: dt.datetime


class PublicUnit(Schema):
    id: int
    name: str
    depth: int


class PublicContest(Schema):
    name: str
    slug: str
    organiser_name: str
    status: str
    description: str
    questions_per_attempt: int
    time_limit_seconds: int
    attempts_per_round: int
    prediction_question: str
    rounds: list[PublicRound]
    units: list[PublicUnit]


class RegisterIn(Schema):
    full_name: str = Field(..., max_length=120)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    birth_date: dt.date
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    unit_text: str = Field("", max_length=255)


class RegisteredOut(Schema):
    code: str
    full_name: str


class PublicQuestion(Schema):
    id: int
    number: int
    text: str
    kind: str
    options: list[str]


class AttemptStarted(Schema):
    token: str
    round: str
    seq: int
    started_at: dt.datetime
    deadline: dt.datetime
    seconds_left: int
    questions: list[PublicQuestion]
    prediction_question: str


class SubmitIn(Schema):
    answers: dict[int, list[int]] = Field(default_factory=dict)
    prediction: int | None = Field(None, ge=0, le=100_000_000)


class AttemptResult(Schema):
    token: str
    status: str
    status_label: str
    counted_now: bool = False
    score: int
    correct_count: int
    question_count: int
    all_correct: bool
    duration_ms: int | None
    submitted_at: dt.datetime | None
    prediction: int | None


# --- disqualification and the prize decision (officers) ------------------------------------


class DisqualifyIn(Schema):
    reason: str = Field(..., max_length=500)


class ReinstateIn(Schema):
    note: str = Field("", max_length=500)


class ParticipantStateOut(Schema):
    participant_id: int
    full_name: str
    disqualified: bool
    reason: str


class PersonChoice(Schema):
    id: int
    full_name: str
    birth_date: dt.date | None
    unit_name: str


class PrizeLineOut(Schema):
    kind: Literal["individual", "collective"]
    label: str
    amount: int
    rank: int
    tied: bool
    name: str
    unit_name: str
    participant_id: int | None
    match: Literal["found", "new", "ambiguous", "collective"]
    person_id: int | None
    candidates: list[PersonChoice]
    gender_hint: str


class PrizeDecisionIn(Schema):
    choices: dict[int, int | Literal["new"]] = Field(
        default_factory=dict, description="Thí sinh trùng tên → mã cá nhân được chọn, hoặc «new» (tạo mới)"
    )
    genders: dict[int, Literal["male", "female", "other"]] = Field(
        default_factory=dict, description="Thí sinh sẽ được tạo hồ sơ cá nhân → giới tính"
    )
    budget_source: str = Field("", max_length=255)


class PrizeDecisionOut(Schema):
    decision_id: int
    state: str
    recipients: int
    total: int
