"""Shapes of the reports API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

Year = Annotated[int, Field(ge=1945, le=2200)]


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class ReportFilters(Schema):
    """A year (``year``) or a date range (``from``, ``to``); a unit by id or code."""

    period_from: dt.date | None = Field(None, alias="from")
    period_to: dt.date | None = Field(None, alias="to")
    year: Year | None = None
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    include_subunits: bool | None = None
    movement: Annotated[int, Field(ge=1, le=2**62)] | None = None


class JobIn(Schema):
    kind: str = Field(..., pattern="^(annual|tables)$")
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    period_from: dt.date | None = Field(None, alias="from")
    period_to: dt.date | None = Field(None, alias="to")
    year: Year | None = None
    include_subunits: bool | None = None
    movement: Annotated[int, Field(ge=1, le=2**62)] | None = None


class JobOut(Schema):
    code: str
    kind: str
    kind_label: str
    unit: str
    period_from: dt.date
    period_to: dt.date
    state: str
    state_label: str
    progress: int
    error: str
    filename: str
    requested_by: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    download: str | None


SummaryOut = dict[str, Any]
