"""Shapes of the decisions API. Inputs forbid unknown keys; texts are NFC-cleaned
before their length is checked (the directory's ``CleanStr``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from thidua.awards.enums import AuthorityLevel, Occasion
from thidua.decisions.models import DecisionState
from thidua.directory.schemas import CleanStr, Id, PageNumber, PageSize

Year = Annotated[int, Field(ge=1945, le=2200)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class HeaderIn(_In):
    """Header fields of a draft (all optional: the issuer's defaults fill the rest)."""

    decision_date: dt.date | None = None
    issuer_name: CleanStr(255) | None = None
    parent_body: CleanStr(255) | None = None
    symbol: CleanStr(40) | None = None
    place: CleanStr(100) | None = None
    authority_level: AuthorityLevel | None = None
    authority_title: CleanStr(255) | None = None
    signer_name: CleanStr(120) | None = None
    signer_authority: CleanStr(40) | None = None
    signer_title: CleanStr(120) | None = None
    subject: CleanStr(500) | None = None
    legal_bases: list[CleanStr(1000)] | None = Field(default=None, max_length=50)
    occasion: Occasion | None = None
    movement_name: CleanStr(255) | None = None
    budget_source: CleanStr(255) | None = None
    execution: CleanStr(4000) | None = None
    copies_to: list[CleanStr(255)] | None = Field(default=None, max_length=50)

    def fields(self) -> dict[str, object]:
        return {
            k: v
            for k, v in self.model_dump(exclude={"issuer", "recipients", "candidate_ids", "version"}).items()
            if v is not None
        }


class RecipientIn(_In):
    award_type: CleanStr(30, min_length=1)
    year: Year
    person: Id | None = None
    unit: Id | None = None
    household: Id | None = None
    position: CleanStr(255) = ""
    achievement: CleanStr(500) = ""


class DecisionIn(HeaderIn):
    issuer: Id
    recipients: list[RecipientIn] = Field(default_factory=list, max_length=5000)


class FromCandidatesIn(HeaderIn):
    issuer: Id
    candidate_ids: list[Id] = Field(default_factory=list, max_length=5000)


class UpdateIn(HeaderIn):
    version: Version | None = None


class ActionIn(_In):
    version: Version | None = None
    decision_date: dt.date | None = None
    reason: CleanStr(500) = ""


class RecipientOut(Schema):
    id: int
    candidate: int | None
    recipient_kind: str
    person: int | None
    unit: int | None
    household: int | None
    name: str
    position: str
    award_type: str
    award_name: str
    year: int
    prize_coefficient: str | None
    base_salary: int | None
    prize_amount: int | None
    award_record: int | None
    certificate_number: str


class DecisionOut(Schema):
    id: int
    issuer: int
    issuer_name: str
    symbol: str
    number: int | None
    full_number: str
    decision_date: dt.date
    place: str
    subject: str
    state: DecisionState
    state_label: str
    signer_name: str
    signer_authority: str
    signer_title: str
    authority_title: str
    authority_level: str
    legal_bases: list[str]
    copies_to: list[str]
    budget_source: str
    recipient_count: int
    total_prize: int
    certificates_state: str
    version: int


class DecisionDetail(DecisionOut):
    recipients: list[RecipientOut]


class DecisionPage(Schema):
    count: int
    items: list[DecisionOut]


class DecisionFilters(Schema):
    state: DecisionState | None = None
    issuer: Id | None = None
    year: Year | None = None
    q: CleanStr(200) = ""
    page: PageNumber = 1
    size: PageSize = 50


class CandidateOut(Schema):
    id: int
    dossier: int
    dossier_code: str
    proposer: str
    name: str
    recipient_kind: str
    award_type: str
    award_name: str
    year: int
    position: str


class CandidatesOut(Schema):
    count: int
    items: list[CandidateOut]


class TaskOut(Schema):
    state: str
    detail: str


class RevocationIn(_In):
    awards: list[Id] = Field(min_length=1, max_length=1000)
    reason: CleanStr(500, min_length=1)
    decision_number: CleanStr(60, min_length=1)
    decision_date: dt.date
    issuer_name: CleanStr(255) = ""


class RevocationLineOut(Schema):
    award: int
    recipient_name: str
    award_name: str
    year: int
    amount_to_recover: int


class RevocationOut(Schema):
    id: int
    decision_number: str
    decision_date: dt.date
    issuer_name: str
    reason: str
    lines: list[RevocationLineOut]
    total_to_recover: int
