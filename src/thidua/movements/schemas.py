"""Shapes of the movements API. Inputs forbid unknown keys; texts are NFC-cleaned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from thidua.core.numbers import NotANumber, parse_decimal
from thidua.directory.schemas import CleanStr, Id, Version
from thidua.movements.enums import CriterionKind, Direction, MovementKind, ReviewKind, TaskStatus

Year = Annotated[int, Field(ge=1945, le=2200)]


def _vn_number(value: Any) -> Any:
    """A number sent as text is read the Vietnamese way ("1.234,5"), like in
    the forms and the import; anything unreadable is left for pydantic to refuse."""
    if isinstance(value, str):
        try:
            return parse_decimal(value)
        except NotANumber:
            return value
    return value


Number = Annotated[
    Annotated[Decimal, Field(ge=Decimal("-1e15"), le=Decimal("1e15"))], BeforeValidator(_vn_number)
]
Line = CleanStr(1000)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class ParticipantIn(_In):
    unit: Id
    include_subunits: bool = True


class DirectiveIn(_In):
    number: CleanStr(60, min_length=1) = Field(description="Số, ký hiệu, ví dụ 280/CĐ-TTg")
    issued_on: dt.date
    title: CleanStr(500) = ""


class MovementIn(_In):
    kind: MovementKind
    name: CleanStr(500, min_length=1)
    slogan: CleanStr(500) = ""
    launching_unit: Id
    approving_unit: Id | None = None
    start_date: dt.date
    end_date: dt.date
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=500)
    directives: list[DirectiveIn] = Field(default_factory=list, max_length=50)
    goals: list[Line] = Field(default_factory=list, max_length=200)


class DirectiveOut(Schema):
    number: str
    issued_on: dt.date
    title: str


class ParticipantOut(Schema):
    unit: int
    unit_name: str
    include_subunits: bool


class MovementOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    slogan: str
    launching_unit: int
    launching_unit_name: str
    approving_unit: int | None
    approval_state: str
    approval_label: str
    start_date: dt.date
    end_date: dt.date
    goals: list[str]
    has_plan: bool
    directives: list[DirectiveOut]
    participants: list[ParticipantOut]
    version: int


class ApprovalIn(_In):
    approve: bool
    note: CleanStr(255) = ""


class SummaryOut(Schema):
    movement: int
    as_of: dt.date
    participants: int
    registrants: int
    registered: int
    pledges: int
    indicators_total: int
    indicators_met: int
    indicators_text: str
    tasks_total: int
    tasks_done: int
    tasks_in_progress: int
    tasks_not_started: int
    tasks_text: str
    awards: dict[str, int]
    awards_text: str
    reviews: int


class RegistrationIn(_In):
    unit: Id
    year: Year | None = None
    targets: list[Line] = Field(min_length=1, max_length=200)
    version: Version | None = None


class RegistrationOut(Schema):
    id: int
    unit: int
    unit_name: str
    year: int
    targets: list[str]
    registered_at: dt.datetime
    version: int


class UnitOut(Schema):
    id: int
    code: str
    name: str


class IndicatorIn(_In):
    unit: Id
    code: CleanStr(30, min_length=1)
    name: CleanStr(500, min_length=1)
    measure: CleanStr(60) = ""
    plan_value: Number
    direction: Direction = Direction.HIGHER


class IndicatorOut(Schema):
    id: int
    unit: int
    unit_name: str
    code: str
    name: str
    measure: str
    plan_value: Decimal
    direction: str
    actual: Decimal | None
    as_of: dt.date | None
    source: str
    share_percent: Decimal | None
    share_text: str
    met: bool


class IndicatorsOut(Schema):
    as_of: dt.date
    met: int
    total: int
    text: str
    items: list[IndicatorOut]


class ValueIn(_In):
    value: Number
    as_of: dt.date
    source: CleanStr(255) = ""


class ValueOut(Schema):
    id: int
    indicator: int
    value: Decimal
    as_of: dt.date
    source: str


class TaskIn(_In):
    unit: Id
    title: CleanStr(500, min_length=1)
    owner: CleanStr(255) = ""
    deadline: dt.date | None = None


class TaskStatusIn(_In):
    status: TaskStatus
    on: dt.date | None = None
    note: CleanStr(500) = ""
    version: Version | None = None


class TaskOut(Schema):
    id: int
    unit: int
    unit_name: str
    title: str
    owner: str
    deadline: dt.date | None
    status: str
    status_label: str
    version: int


class TasksOut(Schema):
    as_of: dt.date
    total: int
    done: int
    in_progress: int
    not_started: int
    text: str
    items: list[TaskOut]


class PledgeIn(_In):
    group: Id
    year: Year
    title: CleanStr(500) = ""
    commitments: list[Line] = Field(min_length=1, max_length=200)
    movement: Id | None = None


class SignatureIn(_In):
    unit: Id
    signer_name: CleanStr(120, min_length=1)
    signer_title: CleanStr(255) = ""


class SignatureOut(Schema):
    unit: int
    unit_name: str
    signed: bool
    signer_name: str
    signer_title: str
    signed_at: dt.datetime | None


class PledgeOut(Schema):
    id: int
    group: int
    group_name: str
    year: int
    title: str
    commitments: list[str]
    movement: int | None
    members: list[SignatureOut]


class CriterionIn(_In):
    group_code: CleanStr(30) = ""
    group_name: CleanStr(255) = ""
    code: CleanStr(30, min_length=1)
    name: CleanStr(500, min_length=1)
    kind: CriterionKind = CriterionKind.BASE
    max_points: Annotated[Decimal, Field(gt=0, le=10000)]


class SchemeIn(_In):
    group: Id
    year: Year
    name: CleanStr(255, min_length=1)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=300)
    tie_break: CleanStr(30) = ""
    movement: Id | None = None


class CriterionOut(Schema):
    group_code: str
    group_name: str
    code: str
    name: str
    kind: str
    max_points: Decimal


class SchemeOut(Schema):
    id: int
    group: int
    group_name: str
    year: int
    name: str
    state: str
    state_label: str
    tie_break: str
    tie_break_rule: str
    criteria: list[CriterionOut]
    version: int


class ScoresIn(_In):
    scores: dict[CleanStr(30), Number | None] = Field(max_length=300)
    evidence: dict[CleanStr(30), CleanStr(500)] = Field(default_factory=dict, max_length=300)
    version: Version | None = None


class ScoreOut(Schema):
    code: str
    self_points: Decimal | None
    points: Decimal | None
    evidence: str


class SheetOut(Schema):
    scheme: int
    unit: int
    unit_name: str
    state: str
    state_label: str
    self_total: Decimal
    total: Decimal
    scores: list[ScoreOut]
    version: int


class RankOut(Schema):
    rank: int
    unit: int
    unit_name: str
    total: Decimal
    tie_value: Decimal | None


class RankingOut(Schema):
    scheme: int
    state: str
    published: bool
    tie_break_rule: str
    rows: list[RankOut]


class ProposeIn(_In):
    deciding_unit: Id
    proposer_unit: Id | None = None


class ProposeOut(Schema):
    dossier: int
    dossier_code: str
    candidates: list[dict[str, Any]]


class ReviewIn(_In):
    kind: ReviewKind
    held_on: dt.date
    title: CleanStr(500, min_length=1)
    summary: CleanStr(20000) = ""
    figures: dict[CleanStr(200), int | float | CleanStr(200)] = Field(default_factory=dict, max_length=100)


class ReviewOut(Schema):
    id: int
    kind: str
    kind_label: str
    held_on: dt.date
    title: str
    summary: str
    figures: dict[str, Any]


class RatingsOut(Schema):
    year: int
    rated: int
    completed_or_better: int
    excellent: int
    completed_share: Decimal | None
    excellent_share: Decimal | None
    max_share: Decimal
    exceeded: bool
    text: str
    unrated: list[UnitOut]


class ImportOut(Schema):
    created: int
    values: int
