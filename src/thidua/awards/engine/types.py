"""The engine's public types: what is asked (:class:`Candidate`) and what is answered
(:class:`Verdict`, made of one :class:`CriterionResult` per criterion)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from thidua.awards.enums import Confidence, RecipientKind

ELIGIBLE, NOT_ELIGIBLE, NEEDS_REVIEW = "eligible", "not_eligible", "needs_review"
STATUS = {True: ELIGIBLE, False: NOT_ELIGIBLE, None: NEEDS_REVIEW}


@dataclass(slots=True)
class Candidate:
    """Who is proposed, for what, for which achievement year.

    ``as_of`` (the dossier's receipt date) picks the rule set; ``year`` picks
    the facts. ``issuer_id`` (optional) is the issuing body whose own rule,
    if it has one (e.g. a province's Giấy khen criteria), wins."""

    award: str
    year: int
    person_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None
    as_of: dt.date | None = None
    issuer_id: int | None = None

    @property
    def kind(self) -> str | None:
        if self.person_id is not None:
            return RecipientKind.INDIVIDUAL
        if self.unit_id is not None:
            return RecipientKind.COLLECTIVE
        if self.household_id is not None:
            return RecipientKind.HOUSEHOLD
        return None


@dataclass(slots=True)
class CriterionResult:
    """One leaf of the criteria tree as judged: the fact in words and the records used.

    ``alternative`` is "" for a required criterion, "1.2" for the second
    option of the first any-of group (any one option suffices)."""

    code: str
    met: bool | None
    message: str
    citation: str
    facts: list[str]
    confidence: str = Confidence.TEXT
    alternative: str = ""


_PENDING: list[CriterionResult] = []  # a deferred verdict's criteria until read: never returned


class Verdict:
    """The answer for one candidate: status, the rule applied, each criterion judged.

    ``criteria`` of a verdict from :func:`check` are worked out when first read
    (:meth:`deferred`): a check of 10,000 candidates mostly counts verdicts, and
    the Vietnamese messages of every criterion cost more than the judging."""

    __slots__ = (
        "_criteria",
        "_source",
        "already_held",
        "award_name",
        "candidate",
        "eligible",
        "missing",
        "rule_id",
        "rule_set",
        "status",
        "warnings",
    )

    def __init__(
        self,
        candidate: Candidate,
        status: str,
        eligible: bool | None,
        rule_set: str | None,
        rule_id: int | None,
        criteria: list[CriterionResult],
        warnings: list[str] | None = None,
        missing: list[str] | None = None,
        award_name: str = "",
        already_held: bool = False,  # the recipient already holds this award for the year
    ) -> None:
        self.candidate, self.status, self.eligible = candidate, status, eligible
        self.rule_set, self.rule_id, self._criteria = rule_set, rule_id, criteria
        self.warnings = [] if warnings is None else warnings
        self.missing = [] if missing is None else missing
        self.award_name, self.already_held = award_name, already_held
        self._source: tuple | None = None

    @classmethod
    def deferred(
        cls,
        candidate: Candidate,
        status: str,
        eligible: bool | None,
        rule_set: str,
        rule_id: int,
        source: tuple,
        warnings: list[str],
        missing: list[str],
        award_name: str,
        already_held: bool,
    ) -> Verdict:
        """A verdict whose criteria are ``fn(*args)`` for ``source = (fn, *args)``, called when first read."""
        self = cls.__new__(cls)
        self.candidate, self.status, self.eligible = candidate, status, eligible
        self.rule_set, self.rule_id, self._criteria, self._source = rule_set, rule_id, _PENDING, source
        self.warnings, self.missing = warnings, missing
        self.award_name, self.already_held = award_name, already_held
        return self

    @property
    def criteria(self) -> list[CriterionResult]:
        if self._source is not None:
            fn, *args = self._source
            self._criteria, self._source = fn(*args), None
        return self._criteria

    @criteria.setter
    def criteria(self, value: list[CriterionResult]) -> None:
        self._criteria, self._source = value, None

    def _key(self) -> tuple:
        return (
            self.candidate, self.status, self.eligible, self.rule_set, self.rule_id, self.criteria,
            self.warnings, self.missing, self.award_name, self.already_held,
        )  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Verdict(candidate={self.candidate!r}, status={self.status!r}, eligible={self.eligible!r}, "
            f"rule_set={self.rule_set!r}, rule_id={self.rule_id!r}, criteria={self.criteria!r}, "
            f"warnings={self.warnings!r}, missing={self.missing!r}, award_name={self.award_name!r}, "
            f"already_held={self.already_held!r})"
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used by the API and the pages."""
        return {
            "award": self.candidate.award,
            "eligible": self.eligible,
            "status": self.status,
            "rule_set": self.rule_set,
            "criteria": [
                {"code": c.code, "met": c.met, "message": c.message, "citation": c.citation, "facts": c.facts}
                for c in self.criteria
            ],
            "warnings": self.warnings,
            "missing": self.missing,
        }
