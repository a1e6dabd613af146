"""The rules in force and one candidate's view of the loaded facts.

Rules are data: the rule set is picked by ``as_of`` (the day the competent
body receives the dossier), the award rule within it by its own dates and
issuer. :class:`RuleBook` reads the few rule tables once per engine call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from thidua.awards import facts as F
from thidua.awards.engine.messages import _KIND_PHRASE, _REVIEW
from thidua.awards.engine.types import Candidate
from thidua.awards.enums import RecipientKind
from thidua.awards.models import AwardRule, AwardType, RuleSet
from thidua.awards.selectors import select_rule


@dataclass
class _RuleSet:
    code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    status: str

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class RuleBook:
    """Every rule set, award rule and award type, read once per engine call (two small tables)."""

    def __init__(self) -> None:
        self.types = {t.code: t for t in AwardType.objects.all()}
        self.rule_sets = {
            rs.pk: _RuleSet(rs.code, rs.valid_from, rs.valid_to, rs.status) for rs in RuleSet.objects.all()
        }
        self.rules: dict[str, list[AwardRule]] = {}
        self._kinds: dict[tuple[str, int], set[str] | None] = {}
        for rule in AwardRule.objects.select_related("award_type").order_by("valid_from", "id"):
            self.rules.setdefault(rule.award_type.code, []).append(rule)

    def name(self, code: str) -> str:
        t = self.types.get(code)
        return t.name if t else code

    def rule_set_for(self, day: dt.date) -> tuple[int, _RuleSet] | None:
        found = [(pk, rs) for pk, rs in self.rule_sets.items() if rs.covers(day)]
        if not found:
            return None
        return max(found, key=lambda item: item[1].valid_from or dt.date.min)

    def rule_for(self, code: str, day: dt.date, issuer_id: int | None = None) -> AwardRule | None:
        """The rule of ``code`` in the rule set for ``day`` whose own dates cover it;
        the issuing body's own rule wins over the general one."""
        chosen = self.rule_set_for(day)
        if chosen is None:
            return None
        rs_pk, _rs = chosen
        return select_rule(self.rules.get(code, []), rs_pk, day, issuer_id)

    def kinds_of(self, code: str, rule_set_pk: int) -> set[str] | None:
        """The recipient kinds ``code`` is given to in that rule set (None: not in it)."""
        key = (code, rule_set_pk)
        try:
            return self._kinds[key]
        except KeyError:
            found = self._kinds[key] = self._kinds_of(code, rule_set_pk)
            return found

    def _kinds_of(self, code: str, rule_set_pk: int) -> set[str] | None:
        kinds: set[str] = set()
        found = False
        for rule in self.rules.get(code, []):
            if rule.rule_set_id == rule_set_pk:
                found = True
                kinds.update(rule.recipient_kinds or [])
        return kinds if found else None


_RECORDS = {
    RecipientKind.INDIVIDUAL: "person_records",
    RecipientKind.COLLECTIVE: "unit_records",
    RecipientKind.HOUSEHOLD: "household_records",
}
_RATINGS = {RecipientKind.INDIVIDUAL: "person_ratings", RecipientKind.COLLECTIVE: "unit_ratings"}
_NO_RATINGS: dict[int, F.RatingFact] = {}
# Whose disciplinary measures are tracked: people's and collectives' own (a household's are
# not: "no discipline" for a household stays for a human to judge).
_DISCIPLINES = {RecipientKind.INDIVIDUAL: "disciplines", RecipientKind.COLLECTIVE: "unit_disciplines"}


class _Ctx:
    """One candidate's view of the loaded facts (slots, and the subject's records,
    ratings and held awards looked up once). A check of many candidates builds
    one only where a criterion needs it and when the criteria are read (:class:`_Group`)."""

    __slots__ = ("_held", "_ratings", "_records", "as_of", "book", "candidate", "cutoff", "facts", "kind")
    __slots__ += ("rule_set_pk", "sid", "year")

    def __init__(
        self,
        book: RuleBook,
        facts: F.Facts,
        candidate: Candidate,
        kind: str,
        year: int,
        as_of: dt.date,
        rule_set_pk: int,
        cutoff: dt.date | None = None,  # an ended measure: only achievements after this day count
    ) -> None:
        self.book, self.facts, self.candidate, self.kind = book, facts, candidate, kind
        self.year, self.as_of, self.rule_set_pk, self.cutoff = year, as_of, rule_set_pk, cutoff
        self.sid = candidate.person_id or candidate.unit_id or candidate.household_id or 0
        self._ratings: dict[int, F.RatingFact] | None = None
        self._records: list[F.RecordFact] | None = None
        self._held: dict[str, dict[int, F.RecordFact]] | None = None

    def ratings(self) -> dict[int, F.RatingFact]:
        if self._ratings is None:
            attr = _RATINGS.get(self.kind)
            self._ratings = getattr(self.facts, attr).get(self.sid, _NO_RATINGS) if attr else _NO_RATINGS
        return self._ratings

    def disciplines(self) -> list[F.DisciplineFact] | None:
        """The subject's own measures (``[]`` none), or ``None`` when they are not tracked
        for this kind of recipient."""
        attr = _DISCIPLINES.get(self.kind)
        return getattr(self.facts, attr).get(self.sid, []) if attr else None

    def records(self) -> list[F.RecordFact]:
        if self._records is None:
            self._records = getattr(self.facts, _RECORDS[self.kind]).get(self.sid, [])
        return self._records

    def counts(self, year: int) -> bool:
        """Whether an achievement of ``year`` counts: an earlier year that ends
        before a disciplinary measure did counts no more (D152 art. 4)."""
        return self.cutoff is None or year >= self.year or year > self.cutoff.year

    def held(self, code: str) -> dict[int, F.RecordFact]:
        """The subject's records of ``code`` that count, by year (do not modify)."""
        if self._held is None:
            self._held = {}
        found = self._held.get(code)
        if found is None:
            if self.cutoff is None:
                found = {r.year: r for r in self.records() if r.code == code}
            else:
                found = {r.year: r for r in self.records() if r.code == code and self.counts(r.year)}
            self._held[code] = found
        return found

    def excluded(self, code: str) -> bool:
        """Whether ``code`` is not given to this kind of recipient (see :meth:`not_for_kind`)."""
        kinds = self.book.kinds_of(code, self.rule_set_pk)
        return kinds is not None and self.kind not in kinds

    def not_for_kind(self, code: str) -> str | None:
        kinds = self.book.kinds_of(code, self.rule_set_pk)
        if kinds is not None and self.kind not in kinds:
            who = _KIND_PHRASE.get(self.kind, self.kind)
            return (
                f"{self.book.name(code)} không tặng cho {who}: tiêu chuẩn riêng cho {who} "
                f"chưa có trong quy định{_REVIEW}"
            )
        return None


_EMPTY: dict = {}


class _Group:
    """Many candidates' view of the loaded facts, for judging them column-wise: one
    rule (its plan), one recipient kind, one achievement year.

    Each criterion is answered for the whole column of subjects at once
    (:mod:`.fast`); a candidate's own :class:`_Ctx` is built only where a
    criterion needs the general path (an initiative, a disciplinary measure)
    and when its criteria are read."""

    __slots__ = ("_ctxs", "as_of", "book", "candidates", "cutoffs", "facts", "held", "kind", "rule_set_pk")
    __slots__ += ("sids", "year")

    def __init__(
        self,
        book: RuleBook,
        facts: F.Facts,
        kind: str,
        year: int,
        as_of: dt.date,
        rule_set_pk: int,
        held: dict[tuple[str, int], dict[int, list[F.RecordFact]]],
    ) -> None:
        self.book, self.facts, self.kind, self.year = book, facts, kind, year
        self.as_of, self.rule_set_pk = as_of, rule_set_pk
        self.held = held  # see records_index: the kind's records by (award, year) and subject
        self.candidates: list[Candidate] = []
        self.sids: list[int] = []
        self.cutoffs: list[dt.date | None] = []
        self._ctxs: list[_Ctx | None] = []

    def ctx(self, i: int) -> _Ctx:
        """The ``i``-th candidate's own view (built once, when first needed)."""
        if not self._ctxs:
            self._ctxs = [None] * len(self.candidates)
        ctx = self._ctxs[i]
        if ctx is None:
            ctx = self._ctxs[i] = _Ctx(
                self.book, self.facts, self.candidates[i], self.kind, self.year, self.as_of,
                self.rule_set_pk, self.cutoffs[i],
            )  # fmt: skip
        return ctx

    def ratings(self) -> dict[int, dict[int, F.RatingFact]]:
        attr = _RATINGS.get(self.kind)
        return getattr(self.facts, attr) if attr else _EMPTY

    def excluded(self, code: str) -> bool:
        """As :meth:`_Ctx.excluded`: ``code`` is not given to this kind of recipient."""
        kinds = self.book.kinds_of(code, self.rule_set_pk)
        return kinds is not None and self.kind not in kinds


def records_index(facts: F.Facts, kind: str) -> dict[tuple[str, int], dict[int, list[F.RecordFact]]]:
    """The loaded records of one kind of subject by (award, year), then by subject, in
    the order :meth:`_Ctx.records` lists them: one pass instead of a search per candidate."""
    index: dict[tuple[str, int], dict[int, list[F.RecordFact]]] = {}
    for sid, records in getattr(facts, _RECORDS[kind]).items():
        for r in records:
            key = (r.code, r.year)
            by_subject = index.get(key)
            if by_subject is None:
                by_subject = index[key] = {}
            found = by_subject.get(sid)
            if found is None:
                by_subject[sid] = [r]
            else:
                found.append(r)
    return index
