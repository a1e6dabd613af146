"""What a report's figures are: the typed set :func:`~thidua.reports.figures.compute`
fills and every output renders (``Figures.as_dict`` is the JSON form)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from thidua.awards.enums import AuthorityLevel, Grade, RecipientKind
from thidua.reports.groups import GroupFigures

KINDS = ("collective", "individual", "household")
# The one set of column headings for recipient kinds (tables, charts, dashboard).
KIND_LABELS = {k: RecipientKind(k).label for k in KINDS}
COMPLETED = (Grade.HTXSNV, Grade.HTTNV, Grade.HTNV)
LEVEL_ORDER = [lv.value for lv in AuthorityLevel]


def share(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal (half up), None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class AwardLine:
    award_type: str
    name: str
    category: str
    rank: int
    authority_level: str
    authority_label: str
    collective: int = 0
    individual: int = 0
    household: int = 0

    @property
    def total(self) -> int:
        return self.collective + self.individual + self.household


@dataclass
class GradeLine:
    grade: str
    label: str
    count: int
    share: Decimal | None


@dataclass
class RatingFigures:
    subject: str  # "units" | "people"
    rated: int = 0
    grades: list[GradeLine] = field(default_factory=list)
    completed_or_better: int = 0
    excellent: int = 0
    completed_share: Decimal | None = None
    excellent_share: Decimal | None = None


@dataclass
class PrizeLine:
    budget_source: str
    records: int
    amount: int


@dataclass
class UpwardFigures:
    """Dossiers this level sent to a higher one and what the higher level decided."""

    dossiers: int = 0
    candidates: int = 0
    awarded: int = 0
    not_awarded: int = 0
    pending: int = 0


@dataclass
class MovementFigures:
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    participants: int = 0
    pledges: int = 0
    indicators_total: int = 0
    indicators_met: int = 0
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_in_progress: int = 0
    tasks_not_started: int = 0
    indicator_lines: list[dict[str, Any]] = field(default_factory=list)
    kind: str = ""  # regular / thematic / special (the statutory form counts by it)
    launching_kind: str = ""  # the launching unit's kind: the level that launched it


@dataclass
class ContestFigures:
    id: int
    name: str
    invited_units: int = 0
    units_with_participants: int = 0
    participants: int = 0
    attempts: int = 0
    max_score_participants: int = 0
    all_correct_attempts: int = 0
    per_day: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class YearLine:
    year: int
    collective: int = 0
    individual: int = 0
    household: int = 0

    @property
    def total(self) -> int:
        return self.collective + self.individual + self.household


@dataclass
class UnitLine:
    """Awards and ratings of one unit of the subtree (the XLSX "by unit" tables)."""

    unit_id: int
    code: str
    name: str
    awards: dict[str, dict[str, int]] = field(default_factory=dict)  # award code -> kind -> n
    unit_grade: str = ""
    people_grades: dict[str, int] = field(default_factory=dict)
    staff: int = 0  # people working there now (the dashboard's "per 100 staff")

    @property
    def awards_total(self) -> int:
        return sum(sum(v.values()) for v in self.awards.values())


@dataclass
class Figures:
    unit_id: int
    unit_code: str
    unit_name: str
    unit_kind: str
    include_subunits: bool
    period_from: dt.date
    period_to: dt.date
    movement_id: int | None
    lineage: list[str]
    awards: list[AwardLine] = field(default_factory=list)
    award_totals: dict[str, int] = field(default_factory=dict)
    awards_by_year: list[YearLine] = field(default_factory=list)
    unit_ratings: RatingFigures = field(default_factory=lambda: RatingFigures("units"))
    people_ratings: RatingFigures = field(default_factory=lambda: RatingFigures("people"))
    prize_money: list[PrizeLine] = field(default_factory=list)
    prize_total: int = 0
    upward: UpwardFigures = field(default_factory=UpwardFigures)
    movements: list[MovementFigures] = field(default_factory=list)
    contests: list[ContestFigures] = field(default_factory=list)
    groups: list[GroupFigures] = field(default_factory=list)  # Khối/Cụm rankings and flags
    by_unit: list[UnitLine] = field(default_factory=list)
    # A unit's own dashboard only (``compute(own=True)``): the movements it takes part in,
    # with its own indicators and tasks, and its people's part in contests of the period.
    own_movements: list[MovementFigures] = field(default_factory=list)
    own_contests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def own_grade(self) -> str:
        """The report unit's own rating of the period ("" when not rated)."""
        line = next((u for u in self.by_unit if u.unit_id == self.unit_id), None)
        return line.unit_grade if line else ""

    @property
    def is_empty(self) -> bool:
        """Nothing to report: the outputs say "Không có số liệu" instead of zeros."""
        return not (
            self.awards
            or self.unit_ratings.rated
            or self.people_ratings.rated
            or self.upward.dossiers
            or self.movements
            or self.contests
            or self.groups
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, shares as numbers with one decimal (the
        dashboards' own extras are not report figures and are left out)."""
        data = asdict(self)
        for extra in ("own_movements", "own_contests"):
            data.pop(extra)
        return _jsonable(
            {
                **data,
                "awards": [{**asdict(a), "total": a.total} for a in self.awards],
                "awards_by_year": [{**asdict(y), "total": y.total} for y in self.awards_by_year],
                "is_empty": self.is_empty,
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
