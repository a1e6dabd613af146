"""Shapes of the awards API. Inputs forbid unknown keys; texts are NFC-cleaned
before their length is checked (the directory's ``CleanStr``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from thidua.awards.enums import (
    AuthorityLevel,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    Occasion,
    RecordStatus,
)
from thidua.directory.schemas import CleanStr, Id, PageNumber, PageSize

Year = Annotated[int, Field(ge=1900, le=2200)]
Code = CleanStr(30, min_length=1)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class AwardTypeOut(Schema):
    code: str
    name: str
    category: str
    recipient_kinds: list[str]
    authority_levels: list[str]
    rule_set: str | None


class RuleOut(Schema):
    id: int
    rule_set: str
    rule_set_status: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    issuer: int | None
    recipient_kinds: list[str]
    authority_levels: list[str]
    prize: dict[str, Any]
    quota: dict[str, Any] | None
    vote: dict[str, Any] | None
    criteria: dict[str, Any]
    citation: str
    confidence: str


class AwardIn(_In):
    award_type: Code
    year: Year
    person: Id | None = None
    unit: Id | None = None
    decision_number: CleanStr(60) = ""
    decision_date: dt.date | None = None
    authority: Id | None = Field(None, description="Mã số (id) của cơ quan quyết định trong danh mục đơn vị.")
    authority_name: CleanStr(255) = ""
    authority_level: AuthorityLevel | None = None
    movement: CleanStr(255) = ""
    occasion: Occasion = Occasion.REGULAR
    certificate_number: CleanStr(60) = ""
    budget_source: CleanStr(120) = ""


class AwardOut(Schema):
    id: int
    award_type: str
    award_name: str
    recipient_kind: str
    person: int | None
    unit: int | None
    household: int | None
    recipient_name: str
    owner_unit: int
    year: int
    occasion: str
    movement: str
    decision_number: str
    decision_date: dt.date | None
    authority: int | None
    authority_name: str
    authority_level: str
    certificate_number: str
    rule_set: str | None
    prize_coefficient: str | None
    base_salary: int | None
    prize_amount: int | None
    status: RecordStatus
    revoked_at: dt.date | None
    revoke_reason: str
    missing_basis: bool
    basis_notes: list[str]
    version: int


class AwardPage(Schema):
    items: list[AwardOut]
    count: int


class AwardFilters(Schema):
    year: Year | None = None
    award_type: CleanStr(30) | None = None
    unit: Id | None = None
    include_subunits: bool = False
    person: Id | None = None
    status: RecordStatus | None = None
    missing_basis: bool | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class RevokeIn(_In):
    reason: CleanStr(500, min_length=1)
    revoked_at: dt.date | None = None
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class RatingIn(_In):
    person: Id | None = None
    unit: Id | None = None
    year: Year
    rating: Grade
    source: CleanStr(255) = ""


class RatingOut(Schema):
    id: int
    person: int | None
    unit: int | None
    owner_unit: int
    year: int
    rating: str
    source: str
    version: int


class RatingPage(Schema):
    items: list[RatingOut]
    count: int


class ListFilters(Schema):
    year: Year | None = None
    unit: Id | None = None
    include_subunits: bool = False
    person: Id | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class InitiativeIn(_In):
    title: CleanStr(500, min_length=1)
    authors: list[Id] = Field(min_length=1, max_length=50)
    year: Year
    scope: InitiativeScope
    is_research: bool = False
    recognised_by: Id | None = None
    recognised_by_name: CleanStr(255) = ""
    decision_number: CleanStr(60) = ""
    decision_date: dt.date | None = None


class InitiativeOut(Schema):
    id: int
    title: str
    authors: list[int]
    year: int
    scope: str
    is_research: bool
    owner_unit: int
    decision_number: str
    decision_date: dt.date | None
    consumed_by: int | None


class InitiativePage(Schema):
    items: list[InitiativeOut]
    count: int


class DisciplineIn(_In):
    person: Id | None = None
    unit: Id | None = None
    measure: DisciplineMeasure
    start_date: dt.date
    end_date: dt.date | None = None
    decision_number: CleanStr(60) = ""
    note: CleanStr(500) = ""


class DisciplineOut(Schema):
    id: int
    person: int | None
    unit: int | None
    measure: str
    start_date: dt.date
    end_date: dt.date | None
    decision_number: str
    note: str
    owner_unit: int


class DisciplinePage(Schema):
    items: list[DisciplineOut]
    count: int


class CheckItemIn(_In):
    person: Id | None = None
    unit: Id | None = None
    award_type: Code
    year: Year


class CheckIn(_In):
    items: list[CheckItemIn] = Field(min_length=1, max_length=10_000)
    as_of: dt.date | None = None


class CheckOut(Schema):
    items: list[dict[str, Any]]


class StatsFilters(Schema):
    year: Year
    unit: Id | None = None
    include_subunits: bool = True


class StatsItem(Schema):
    award_type: str
    name: str
    authority_level: str
    collective: int
    individual: int
    household: int


class StatsTotals(Schema):
    collective: int
    individual: int
    household: int


class StatsOut(Schema):
    year: int
    unit: int | None
    items: list[StatsItem]
    totals: StatsTotals


class PrizeFilters(Schema):
    year: Year
    unit: Id | None = None


class ImportDone(Schema):
    created: int
    updated: int = 0
    missing_basis: int = 0


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportRefused(Schema):
    detail: str
    errors: list[RowErrorOut]
