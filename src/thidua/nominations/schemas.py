"""Shapes of the nominations API. Inputs forbid unknown keys; texts are
NFC-cleaned before their length is checked (the directory's ``CleanStr``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from thidua.awards.enums import Occasion
from thidua.directory.schemas import CleanStr, Id, PageNumber, PageSize, Version
from thidua.nominations.models import DossierState

Year = Annotated[int, Field(ge=1945, le=2200)]
Count = Annotated[int, Field(ge=0, le=10_000)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    detail: str
    code: str | None = None


# --- dossiers ---------------------------------------------------------------------------


class DossierFilters(Schema):
    state: DossierState | None = None
    year: Year | None = None
    unit: Id | None = None
    q: CleanStr(200) | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class DossierIn(_In):
    title: CleanStr(500, min_length=1)
    proposer_unit: Id
    deciding_unit: Id | None = None
    deciding_body_name: CleanStr(255) = ""
    occasion: Occasion = Occasion.REGULAR
    movement: Id | None = Field(None, description="Phong trào thi đua (nếu khen thưởng theo phong trào).")
    letter_number: CleanStr(60) = ""
    letter_date: dt.date | None = None
    letter_signer: CleanStr(120) = ""
    unit_council_members: Count | None = None
    unit_council_present: Count | None = None
    unit_council_note: CleanStr(500) = ""


class DossierPatch(_In):
    """Letter data of a draft or returned dossier; ``version`` is the one read."""

    version: Version
    title: CleanStr(500, min_length=1) | None = None
    deciding_body_name: CleanStr(255) | None = None
    occasion: Occasion | None = None
    letter_number: CleanStr(60) | None = None
    letter_date: dt.date | None = None
    letter_signer: CleanStr(120) | None = None
    unit_council_members: Count | None = None
    unit_council_present: Count | None = None
    unit_council_note: CleanStr(500) | None = None


class UnitRef(Schema):
    id: int
    code: str
    name: str


class MovementRef(Schema):
    id: int
    name: str


class DossierRow(Schema):
    id: int
    code: str
    title: str
    state: str
    state_label: str
    proposer_unit: UnitRef
    deciding_unit: UnitRef | None
    deciding_name: str
    candidates: int
    due_date: dt.date | None
    overdue_days: int
    submit_count: int
    created_at: dt.datetime
    version: int


class DossierPage(Schema):
    items: list[DossierRow]
    count: int


class CriterionOut(Schema):
    code: str | None = None
    met: bool | None = None
    message: str = ""
    citation: str = ""


class CandidateOut(Schema):
    id: int
    recipient_kind: str
    person: int | None
    unit: int | None
    household: int | None
    recipient_name: str
    award_type: str
    award_name: str
    year: int
    period_start: dt.date | None
    period_end: dt.date | None
    movement: MovementRef | None
    summary: str
    position: str
    verdict: str
    verdict_label: str
    criteria: list[CriterionOut]
    missing: list[str]
    warnings: list[str]
    justification: str
    beyond_authority: bool
    state: str
    state_label: str
    return_reason: str
    appraisal_note: str
    council_votes_for: int | None
    council_votes_against: int | None
    council_members: int | None
    higher_decision_number: str
    higher_decision_date: dt.date | None
    version: int


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    candidate: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str


class TransitionOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str
    note: str
    at: dt.datetime


class CommentOut(Schema):
    id: int
    candidate: int | None
    author_name: str
    author_contact: str
    body: str
    created_at: dt.datetime
    handled: bool
    handling_note: str


class DossierOut(Schema):
    id: int
    code: str
    title: str
    state: str
    state_label: str
    proposer_unit: UnitRef
    deciding_unit: UnitRef | None
    deciding_name: str
    occasion: str
    movement: MovementRef | None
    letter_number: str
    letter_date: dt.date | None
    letter_signer: str
    unit_council_members: int | None
    unit_council_present: int | None
    unit_council_note: str
    due_date: dt.date | None
    overdue_days: int
    publish_until: dt.date | None
    public_code: str
    parent: str | None
    submit_count: int
    version: int
    actions: list[str]
    candidates: list[CandidateOut]
    attachments: list[AttachmentOut]
    transitions: list[TransitionOut]
    comments: list[CommentOut] | None = Field(
        None, description="Ý kiến góp ý khi công khai — chỉ cán bộ thẩm định của cơ quan xét được xem."
    )
    extra: dict[str, Any] = Field(default_factory=dict)


# --- candidates -------------------------------------------------------------------------


class CandidateIn(_In):
    award_type: CleanStr(30, min_length=1)
    year: Year
    person: Id | None = None
    unit: Id | None = None
    movement: Id | None = Field(None, description="Phong trào thi đua; bỏ trống: theo hồ sơ.")
    summary: CleanStr(20000) = ""
    position: CleanStr(255) = ""
    justification: CleanStr(5000) = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class CandidatePatch(_In):
    version: Version
    summary: CleanStr(20000) | None = None
    position: CleanStr(255) | None = None
    justification: CleanStr(5000) | None = None
    year: Year | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


# --- transitions ------------------------------------------------------------------------


class ActionIn(_In):
    """Every step: the dossier's ``version`` as read, and a note (required for some steps)."""

    version: Version
    note: CleanStr(5000) = ""


class ReturnIn(ActionIn):
    reasons: dict[Id, CleanStr(2000)] = Field(
        default_factory=dict, description="Lý do trả lại theo từng người, tập thể (mã → lý do)."
    )


class OpinionIn(_In):
    recommended: bool | None = None
    note: CleanStr(5000) = ""


class AppraiseIn(ActionIn):
    opinions: dict[Id, OpinionIn] = Field(
        default_factory=dict,
        description="Ý kiến thẩm định theo từng người, tập thể; bỏ trống: theo kết quả xét điều kiện.",
    )


class PublishIn(ActionIn):
    days: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="Số ngày làm việc công khai; bỏ trống: theo thời hạn quy định."
    )


class ForwardIn(ActionIn):
    to_unit: Id | None = None
    to_name: CleanStr(255) = ""
    candidate_ids: list[Id] = Field(default_factory=list, max_length=2000)
    title: CleanStr(500) = ""
    letter_number: CleanStr(60) = ""
    letter_date: dt.date | None = None
    letter_signer: CleanStr(120) = ""


class ResultIn(_In):
    awarded: bool
    decision_number: CleanStr(60) = ""
    decision_date: dt.date | None = None
    authority_name: CleanStr(255) = ""


class RecordResultIn(ActionIn):
    results: dict[Id, ResultIn] = Field(default_factory=dict)


ACTION_SCHEMAS: dict[str, type[ActionIn]] = {
    "return": ReturnIn,
    "appraise": AppraiseIn,
    "publish": PublishIn,
    "forward": ForwardIn,
    "record_result": RecordResultIn,
}


# --- queue ------------------------------------------------------------------------------


class QueueItemOut(Schema):
    id: int
    code: str
    title: str
    state: str
    state_label: str
    proposer_unit: str
    due_date: dt.date | None
    overdue_days: int
    reasons: list[str]


class QueueGroupOut(Schema):
    key: str
    title: str
    items: list[QueueItemOut]
    empty_text: str


class QueueOut(Schema):
    groups: list[QueueGroupOut]
    comments_waiting: int
