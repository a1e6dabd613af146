"""The eligibility engine: "is this recipient eligible for this award for this
achievement year?" — for one candidate or ten thousand (docs/eligibility.md).

Why it is shaped this way:

* **Rules are data.** The rule set is picked by ``as_of`` (the day the
  competent body receives the dossier: transitional provisions key the regime
  to it), the award rule within it by its own dates, and its criteria tree is
  interpreted here. No law number appears in this file.
* **Set-based.** :func:`check` loads the facts of all candidates with a fixed
  number of queries (:mod:`thidua.awards.facts`) and evaluates every tree in
  memory, so a province-wide check costs the same few queries as one person.
* **Tri-state.** A criterion is met, not met, or unknown; unknown facts make
  the verdict "cần xem xét", never a silent refusal, and a refusal names the
  criterion that failed with the facts it used.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count
from django.utils import timezone

from thidua.awards import facts as F
from thidua.awards.enums import (
    DISCIPLINE_RANK,
    GRADE_RANK,
    SCOPE_RANK,
    Confidence,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    RecipientKind,
    RecordStatus,
    RuleSetStatus,
)
from thidua.awards.models import UNIQUE_PER_YEAR, AwardRecord, AwardRule, AwardType, RuleSet
from thidua.directory.models import Unit

ELIGIBLE, NOT_ELIGIBLE, NEEDS_REVIEW = "eligible", "not_eligible", "needs_review"
_STATUS = {True: ELIGIBLE, False: NOT_ELIGIBLE, None: NEEDS_REVIEW}
_OK, _NO = " ✓", " ✗"
_REVIEW = " — cần xem xét"
_TOP_GRADE = max(GRADE_RANK, key=GRADE_RANK.__getitem__)
_LOWEST_SCOPE = min(SCOPE_RANK, key=SCOPE_RANK.__getitem__)
_SCOPE_PHRASE = {
    InitiativeScope.BASE: "cấp cơ sở",
    InitiativeScope.PROVINCE: "cấp bộ, ngành, tỉnh",
    InitiativeScope.NATIONAL: "phạm vi toàn quốc",
}
_GRADE_LABEL = dict(Grade.choices)
_MEASURE_LABEL = dict(DisciplineMeasure.choices)
_CONFIDENCE_LABEL = dict(Confidence.choices)
_KIND_PHRASE = {
    RecipientKind.INDIVIDUAL: "cá nhân",
    RecipientKind.COLLECTIVE: "tập thể",
    RecipientKind.HOUSEHOLD: "hộ gia đình",
}


# --- public types ---------------------------------------------------------------------


@dataclass
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


@dataclass
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


@dataclass
class Verdict:
    candidate: Candidate
    status: str
    eligible: bool | None
    rule_set: str | None
    rule_id: int | None
    criteria: list[CriterionResult]
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    award_name: str = ""
    already_held: bool = False  # the recipient already holds this award for the year

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


# --- formatting -------------------------------------------------------------------------


def _date(d: dt.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def _decision(number: str, date: dt.date | None) -> str:
    if number and date:
        return f"QĐ {number} ngày {_date(date)}"
    if number:
        return f"QĐ {number}"
    return f"ngày {_date(date)}" if date else ""


def _record_ref(rec: F.RecordFact) -> str:
    return _decision(rec.decision_number, rec.decision_date) or f"sổ khen thưởng số {rec.id}"


def _paren(refs: Iterable[str]) -> str:
    refs = [r for r in refs if r]
    return f" ({'; '.join(refs)})" if refs else ""


def _pct(value: Fraction) -> str:
    """18.644… → "18,6 %", 0.7 → "70 %" (Vietnamese decimal comma)."""
    d = (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    text = f"{d:f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + " %"


def _span(first: int, last: int) -> str:
    return f"năm {last}" if first == last else f"các năm {first}–{last}"


def _grade(code: str) -> str:
    return _GRADE_LABEL.get(code, code)


def _grade_need(minimum: str) -> str:
    """What a minimum grade asks, as said: the top grade alone, otherwise "… trở lên"."""
    return _grade(minimum) + ("" if minimum == _TOP_GRADE else " trở lên")


def _years(ys: Iterable[int]) -> str:
    return ", ".join(str(y) for y in ys)


# --- rules ---------------------------------------------------------------------------------


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
        rs_pk, rs = chosen
        best: AwardRule | None = None
        for rule in self.rules.get(code, []):
            if rule.rule_set_id != rs_pk:
                continue
            start = rule.valid_from or rs.valid_from
            end = rule.valid_to or rs.valid_to
            if (start and day < start) or (end and day > end):
                continue
            if rule.issuer_id is not None and rule.issuer_id != issuer_id:
                continue
            if best is None or (rule.issuer_id is not None, rule.valid_from or dt.date.min) >= (
                best.issuer_id is not None,
                best.valid_from or dt.date.min,
            ):
                best = rule
        return best

    def kinds_of(self, code: str, rule_set_pk: int) -> set[str] | None:
        """The recipient kinds ``code`` is given to in that rule set (None: not in it)."""
        key = (code, rule_set_pk)
        if key not in self._kinds:
            self._kinds[key] = self._kinds_of(code, rule_set_pk)
        return self._kinds[key]

    def _kinds_of(self, code: str, rule_set_pk: int) -> set[str] | None:
        kinds: set[str] = set()
        found = False
        for rule in self.rules.get(code, []):
            if rule.rule_set_id == rule_set_pk:
                found = True
                kinds.update(rule.recipient_kinds or [])
        return kinds if found else None


def _leaves(node: Any) -> Iterable[dict[str, Any]]:
    if not isinstance(node, dict):
        return
    for key in ("all", "any"):
        if key in node:
            for child in node[key]:
                yield from _leaves(child)
            return
    if "pred" in node:
        yield node


_LOOKBACK = {
    "rating_years": "count",
    "rating_count": "years",
    "holds_chain": "count",
    "holds_within": "years",
    "initiative": "years",
}
_MEMBER_PREDS = {"member_share", "member_count", "members_no_discipline"}


@dataclass
class _Shape:
    """What a criteria tree needs, worked out once per rule and engine call."""

    leaves: list[dict[str, Any]]
    root: _Node
    lookback: int  # years before Y (inclusive of Y) whose facts count
    codes: set[str]
    earlier: bool  # holds_before: any earlier year
    members: bool
    discipline: bool

    @classmethod
    def of(cls, criteria: Any) -> _Shape:
        leaves = list(_leaves(criteria))
        return cls(
            leaves=leaves,
            root=_Node.compile(criteria),
            lookback=max(
                [int(leaf.get(_LOOKBACK[leaf["pred"]], 1)) for leaf in leaves if leaf["pred"] in _LOOKBACK]
                or [1]
            ),
            codes={str(leaf["award"]) for leaf in leaves if "award" in leaf},
            earlier=any(leaf["pred"] == "holds_before" for leaf in leaves),
            members=any(leaf["pred"] in _MEMBER_PREDS for leaf in leaves),
            discipline=any(leaf["pred"] == "no_discipline" for leaf in leaves),
        )


# --- evaluation -------------------------------------------------------------------------------


@dataclass
class _Ctx:
    """One candidate's view of the loaded facts."""

    book: RuleBook
    facts: F.Facts
    candidate: Candidate
    kind: str
    year: int
    as_of: dt.date
    rule_set_pk: int
    cutoff: dt.date | None = None  # an ended measure: only achievements after this day count

    @property
    def sid(self) -> int:
        c = self.candidate
        return c.person_id or c.unit_id or c.household_id or 0

    def ratings(self) -> dict[int, F.RatingFact]:
        if self.kind == RecipientKind.INDIVIDUAL:
            return self.facts.person_ratings.get(self.sid, {})
        if self.kind == RecipientKind.COLLECTIVE:
            return self.facts.unit_ratings.get(self.sid, {})
        return {}

    def records(self) -> list[F.RecordFact]:
        source = {
            RecipientKind.INDIVIDUAL: self.facts.person_records,
            RecipientKind.COLLECTIVE: self.facts.unit_records,
            RecipientKind.HOUSEHOLD: self.facts.household_records,
        }[self.kind]
        return source.get(self.sid, [])

    def counts(self, year: int) -> bool:
        """Whether an achievement of ``year`` counts: an earlier year that ends
        before a disciplinary measure did counts no more (D152 art. 4)."""
        return self.cutoff is None or year >= self.year or year > self.cutoff.year

    def held(self, code: str) -> dict[int, F.RecordFact]:
        return {r.year: r for r in self.records() if r.code == code and self.counts(r.year)}

    def not_for_kind(self, code: str) -> str | None:
        kinds = self.book.kinds_of(code, self.rule_set_pk)
        if kinds is not None and self.kind not in kinds:
            who = _KIND_PHRASE.get(self.kind, self.kind)
            return (
                f"{self.book.name(code)} không tặng cho {who}: tiêu chuẩn riêng cho {who} "
                f"chưa có trong quy định{_REVIEW}"
            )
        return None


Result = tuple[bool | None, str, list[str], list[str]]  # met, message, facts, missing phrases


def _p_rating(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    minimum, y = leaf["min"], ctx.year
    r = ctx.ratings().get(y)
    if r is None:
        return None, f"Chưa có dữ liệu xếp loại năm {y}{_REVIEW}", [], []
    refs = [r.source] if r.source else []
    if GRADE_RANK[r.grade] >= GRADE_RANK[minimum]:
        return True, f"Xếp loại năm {y}: {_grade(r.grade)}{_OK}{_paren(refs)}", refs, []
    return (
        False,
        f"Xếp loại năm {y}: {_grade(r.grade)} — cần {_grade_need(minimum)}{_NO}",
        refs,
        [f"01 năm {_grade_need(minimum).lower()}"],
    )


def _rating_window(leaf: dict[str, Any], ctx: _Ctx, length: int):
    minimum = leaf["min"]
    years = list(range(ctx.year - length + 1, ctx.year + 1))
    ratings = ctx.ratings()
    good, bad, unknown, refs = [], [], [], []
    for y in years:
        r = ratings.get(y)
        if r is None:
            unknown.append(y)
        elif GRADE_RANK[r.grade] >= GRADE_RANK[minimum] and ctx.counts(y):
            good.append(y)
            if r.source:
                refs.append(f"{y}: {r.source}")
        else:
            bad.append((y, r.grade if ctx.counts(y) else None))
    return minimum, years, good, bad, unknown, refs


def _bad_text(bad: list[tuple[int, str | None]]) -> str:
    return ", ".join(
        f"năm {y} {_grade(g)}" if g else f"năm {y} trước khi chấp hành xong kỷ luật" for y, g in bad
    )


def _p_rating_years(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    count = int(leaf["count"])
    minimum, years, _good, bad, unknown, refs = _rating_window(leaf, ctx, count)
    need = f"{count:02d} năm liên tục {_grade_need(minimum)}"
    span = f"{years[0]}–{years[-1]}" if count > 1 else str(years[0])
    if bad:
        return (
            False,
            f"Xếp loại {span}: {_bad_text(bad)} — cần {need}{_NO}",
            refs,
            [f"{len(bad) + len(unknown):02d} năm {_grade_need(minimum).lower()}"],
        )
    if unknown:
        return None, f"Chưa có dữ liệu xếp loại năm {_years(unknown)}{_REVIEW}", refs, []
    return True, f"Xếp loại {span}: đủ {need}{_OK}", refs, []


def _p_rating_count(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    count, length = int(leaf["count"]), int(leaf["years"])
    minimum, years, good, _bad, unknown, refs = _rating_window(leaf, ctx, length)
    text = f"{len(good)} năm {_grade(minimum)} trong {_span(years[0], years[-1])}"
    if len(good) >= count:
        return True, f"Có {text}{_OK}", refs, []
    if len(good) + len(unknown) >= count:
        return None, f"Có {text}; chưa có dữ liệu xếp loại năm {_years(unknown)}{_REVIEW}", refs, []
    return (
        False,
        f"Có {text} — cần {count}{_NO}",
        refs,
        [f"{count - len(good):02d} năm {_grade(minimum).lower()}"],
    )


def _p_holds(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    code, y = leaf["award"], ctx.year
    if (why := ctx.not_for_kind(code)) is not None:
        return None, why, [], []
    name = ctx.book.name(code)
    rec = ctx.held(code).get(y)
    if rec is None:
        return False, f"Chưa có {name} năm {y}{_NO}", [], [f"{name} năm {y}"]
    ref = _record_ref(rec)
    return True, f"Đạt {name} năm {y}{_OK}{_paren([ref])}", [ref], []


def _p_holds_chain(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    code, count = leaf["award"], int(leaf["count"])
    if (why := ctx.not_for_kind(code)) is not None:
        return None, why, [], []
    name, held = ctx.book.name(code), ctx.held(code)
    years = list(range(ctx.year - count + 1, ctx.year + 1))
    refs = [f"{y}: {_record_ref(held[y])}" for y in years if y in held]
    gaps = [y for y in years if y not in held]
    if gaps:
        return (
            False,
            f"{name} {years[0]}–{years[-1]}: thiếu năm {_years(gaps)} (cần {count} năm liên tục){_NO}",
            refs,
            [f"{len(gaps):02d} năm {name} ({_years(gaps)})"],
        )
    return True, f"Đạt {name} {count} năm liên tục {_years(years)}{_OK}", refs, []


def _p_holds_within(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    code, count, length = leaf["award"], int(leaf["count"]), int(leaf["years"])
    if (why := ctx.not_for_kind(code)) is not None:
        return None, why, [], []
    name, held = ctx.book.name(code), ctx.held(code)
    first = ctx.year - length + 1
    got = sorted(y for y in held if first <= y <= ctx.year)
    refs = [f"{y}: {_record_ref(held[y])}" for y in got]
    text = f"{len(got)} lần {name} trong {_span(first, ctx.year)}" + (f" ({_years(got)})" if got else "")
    if len(got) >= count:
        return True, f"Đạt {text}{_OK}", refs, []
    return False, f"Đạt {text} — cần {count} lần{_NO}", refs, [f"{count - len(got):02d} năm {name}"]


def _p_holds_before(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    code = leaf["award"]
    if (why := ctx.not_for_kind(code)) is not None:
        return None, why, [], []
    name, held = ctx.book.name(code), ctx.held(code)
    earlier = sorted(y for y in held if y < ctx.year)
    if not earlier:
        return (
            False,
            f"Chưa được tặng {name} trước năm {ctx.year}{_NO}",
            [],
            [f"{name} (trước năm {ctx.year})"],
        )
    refs = [f"{y}: {_record_ref(held[y])}" for y in earlier]
    return True, f"Đã được tặng {name} năm {_years(earlier)}{_OK}", refs, []


def _p_initiative(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    if ctx.kind != RecipientKind.INDIVIDUAL:
        who = _KIND_PHRASE.get(ctx.kind, ctx.kind)
        return None, f"Tiêu chí sáng kiến chỉ xét cho cá nhân; tiêu chuẩn cho {who} chưa có{_REVIEW}", [], []
    scope, count, length = leaf.get("min_scope", _LOWEST_SCOPE), int(leaf["count"]), int(leaf["years"])
    first, c = ctx.year - length + 1, ctx.candidate
    used, taken = [], []
    for ini in ctx.facts.initiatives.get(ctx.sid, []):
        if not (first <= ini.year <= ctx.year) or SCOPE_RANK[ini.scope] < SCOPE_RANK[scope]:
            continue
        if not ctx.counts(ini.year):
            continue
        own = (
            ini.consumed_code == c.award
            and ini.consumed_year == c.year
            and ini.consumed_person == c.person_id
        )
        if ini.consumed_by is not None and not own:
            taken.append(ini)
            continue
        used.append(ini)
    qualifier = "" if scope == _LOWEST_SCOPE else f" {_SCOPE_PHRASE[scope]} trở lên"
    where = f"trong {_span(first, ctx.year)}"
    refs = [
        f"Sáng kiến «{i.title}»" + _paren([_decision(i.decision_number, i.decision_date)])
        for i in sorted(used, key=lambda i: (i.year, i.id))
    ]
    note = "".join(
        f"; sáng kiến «{i.title}» đã dùng cho {ctx.book.name(i.consumed_code or '')} năm {i.consumed_year}, không tính lại"
        for i in taken
    )
    if len(used) >= count:
        return (
            True,
            f"Có {len(used)} sáng kiến{qualifier} được công nhận {where}{_OK}{_paren(refs)}",
            refs,
            [],
        )
    head = (
        f"Chưa có sáng kiến{qualifier} được công nhận {where}"
        if not used
        else f"Có {len(used)} sáng kiến{qualifier} được công nhận {where} — cần {count}"
    )
    return False, f"{head}{_NO}{note}", refs, [f"{count - len(used):02d} sáng kiến {_SCOPE_PHRASE[scope]}"]


def _overlaps(d: F.DisciplineFact, first: dt.date, last: dt.date) -> bool:
    return d.start <= last and (d.end is None or d.end >= first)


def _measure(d: F.DisciplineFact) -> str:
    label = _MEASURE_LABEL.get(d.measure, d.measure)
    period = f"từ {_date(d.start)}" + (f" đến {_date(d.end)}" if d.end else " (đang thi hành)")
    return f"{label} {period}"


def _p_no_discipline(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    if ctx.kind != RecipientKind.INDIVIDUAL:
        who = _KIND_PHRASE.get(ctx.kind, ctx.kind)
        return None, f"Chưa theo dõi kỷ luật, thanh tra đối với {who}{_REVIEW}", [], []
    y = ctx.year
    first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
    blocking, ended = [], []
    for d in ctx.facts.disciplines.get(ctx.sid, []):
        running = d.start <= ctx.as_of and (d.end is None or d.end >= ctx.as_of)
        if _overlaps(d, first, last) or running:
            blocking.append(d)
        elif d.end is not None and d.end < first:
            ended.append(d)
    if blocking:
        refs = [_decision(d.decision_number, None) for d in blocking if d.decision_number]
        text = "; ".join(_measure(d) for d in blocking)
        return False, f"Kỷ luật: {text}{_NO}{_paren(refs)}", refs, [f"không bị kỷ luật trong năm {y}"]
    if ended:
        last_end = max(d.end for d in ended if d.end)
        return (
            True,
            f"Không bị kỷ luật trong năm {y}{_OK} (kỷ luật đã chấp hành xong ngày {_date(last_end)}: "
            "chỉ tính thành tích sau ngày này)",
            [],
            [],
        )
    return True, f"Không bị kỷ luật trong năm {y}{_OK}", [], []


def _members(ctx: _Ctx) -> list[int] | None:
    if ctx.kind != RecipientKind.COLLECTIVE:
        return None
    return ctx.facts.members(ctx.sid, ctx.year)


def _no_members(ctx: _Ctx) -> Result:
    if ctx.kind != RecipientKind.COLLECTIVE:
        return None, f"Tiêu chí về thành viên chỉ xét cho tập thể{_REVIEW}", [], []
    return None, f"Chưa có danh sách thành viên của tập thể trong năm {ctx.year}{_REVIEW}", [], []


def _held_in(ctx: _Ctx, person_id: int, code: str) -> F.RecordFact | None:
    for r in ctx.facts.person_records.get(person_id, []):
        if r.code == code and r.year == ctx.year:
            return r
    return None


def _p_member_share(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    members = _members(ctx)
    if not members:
        return _no_members(ctx)
    y, total = ctx.year, len(members)
    unknown = 0
    if "award" in leaf:
        what = f"đạt {ctx.book.name(leaf['award'])}"
        ok = sum(1 for p in members if _held_in(ctx, p, leaf["award"]))
    else:
        minimum = leaf["rating"]
        what = f"xếp loại {_grade_need(minimum)}"
        ok = 0
        for p in members:
            r = ctx.facts.person_ratings.get(p, {}).get(y)
            if r is None:
                unknown += 1
            elif GRADE_RANK[r.grade] >= GRADE_RANK[minimum]:
                ok += 1
    if "more_than" in leaf:
        share = Fraction(str(leaf["more_than"]))
        need, rule = math.floor(share * total) + 1, f"trên {_pct(share)}"
    else:
        share = Fraction(str(leaf["at_least"]))
        need = math.ceil(share * total)
        rule = _pct(share) if share == 1 else f"từ {_pct(share)} trở lên"
    text = f"Thành viên {what} năm {y}: {ok}/{total} = {_pct(Fraction(ok, total))} (cần {rule})"
    if ok >= need:
        return True, f"{text}{_OK}", [], []
    if ok + unknown >= need:
        return None, f"{text}; {unknown} người chưa có dữ liệu xếp loại{_REVIEW}", [], []
    return False, f"{text}{_NO}", [], [f"{need - ok:02d} thành viên {what}"]


def _p_member_count(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    members = _members(ctx)
    if not members:
        return _no_members(ctx)
    code, need = leaf["award"], int(leaf["at_least"])
    name = ctx.book.name(code)
    found = [(p, r) for p in members if (r := _held_in(ctx, p, code))]
    refs = [f"{ctx.facts.person_names.get(p, p)}: {_record_ref(r)}" for p, r in found]
    if len(found) >= need:
        return True, f"Có {len(found)} thành viên đạt {name} năm {ctx.year}{_OK}", refs, []
    head = (
        f"Chưa có thành viên nào đạt {name} năm {ctx.year}"
        if not found
        else f"Có {len(found)} thành viên đạt {name} năm {ctx.year}"
    )
    return False, f"{head} — cần {need}{_NO}", refs, [f"{need - len(found):02d} thành viên đạt {name}"]


def _p_members_no_discipline(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    members = _members(ctx)
    if not members:
        return _no_members(ctx)
    minimum = leaf.get("min_measure", DisciplineMeasure.WARNING)
    floor = DISCIPLINE_RANK[minimum]
    first, last = dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)
    label = _MEASURE_LABEL.get(minimum, minimum)
    hits = []
    for p in members:
        for d in ctx.facts.disciplines.get(p, []):
            if DISCIPLINE_RANK.get(d.measure, 0) >= floor and _overlaps(d, first, last):
                hits.append(f"{ctx.facts.person_names.get(p, p)}: {_measure(d)}")
    if hits:
        return (
            False,
            f"Thành viên bị kỷ luật từ {label} trở lên trong năm {ctx.year}: {'; '.join(hits)}{_NO}",
            hits,
            [f"không có thành viên bị kỷ luật từ {label.lower()} trở lên"],
        )
    return True, f"Không có thành viên bị kỷ luật từ {label} trở lên trong năm {ctx.year}{_OK}", [], []


def _p_manual(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    return None, f"{leaf.get('question') or 'Cần cán bộ đánh giá'}{_REVIEW}", [], []


PREDICATES = {
    "rating": _p_rating,
    "rating_years": _p_rating_years,
    "rating_count": _p_rating_count,
    "holds": _p_holds,
    "holds_chain": _p_holds_chain,
    "holds_within": _p_holds_within,
    "holds_before": _p_holds_before,
    "initiative": _p_initiative,
    "no_discipline": _p_no_discipline,
    "member_share": _p_member_share,
    "member_count": _p_member_count,
    "members_no_discipline": _p_members_no_discipline,
    "manual": _p_manual,
}


def _code(leaf: dict[str, Any]) -> str:
    extra = leaf.get("award") or leaf.get("rating")
    return f"{leaf['pred']}:{extra}" if extra else str(leaf["pred"])


def _unsupported(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    return None, f"Tiêu chí «{leaf.get('pred')}» chưa được hỗ trợ{_REVIEW}", [], []


@dataclass(slots=True)
class _Node:
    """A criteria (sub)tree compiled once per rule: predicate, code, citation and
    any-of label worked out ahead, so 10,000 evaluations only call predicates."""

    op: str  # "all", "any" or "leaf"
    children: list[_Node]
    leaf: dict[str, Any]
    fn: Any = None
    code: str = ""
    citation: str = ""
    confidence: str = Confidence.TEXT
    alt: str = ""

    @classmethod
    def compile(cls, node: Any, alt: str = "", counter: list[int] | None = None) -> _Node:
        counter = counter if counter is not None else [0]
        if not isinstance(node, dict):
            return cls("all", [], {})
        if "all" in node or "any" in node:
            op = "any" if "any" in node else "all"
            children = node[op]
            if op == "any" and not alt:
                counter[0] += 1
                labels = [f"{counter[0]}.{i}" for i in range(1, len(children) + 1)]
            else:
                labels = [alt] * len(children)
            return cls(
                op, [cls.compile(ch, lb, counter) for ch, lb in zip(children, labels, strict=True)], {}
            )
        pred = node.get("pred")
        return cls(
            "leaf",
            [],
            node,
            fn=PREDICATES.get(str(pred), _unsupported),
            code=_code(node) if pred else "?",
            citation=str(node.get("citation", "")),
            confidence=str(node.get("confidence", Confidence.TEXT)),
            alt=alt,
        )


def _evaluate(node: _Node, ctx: _Ctx, out: list[CriterionResult]) -> tuple[bool | None, list[str]]:
    """Evaluate a compiled criteria (sub)tree; append the leaves to ``out``; return
    the tri-state result and the phrases of what is missing when it is not met."""
    if node.op == "leaf":
        met, message, refs, missing = node.fn(node.leaf, ctx)
        out.append(CriterionResult(node.code, met, message, node.citation, refs, node.confidence, node.alt))
        return met, missing if met is False else []
    results = [_evaluate(child, ctx, out) for child in node.children]
    mets = [m for m, _ in results]
    if node.op == "any":
        met = True if True in mets else (None if None in mets else False)
        if met is not False:
            return met, []
        options = [" và ".join(miss) for _, miss in results if miss]
        return False, options if len(options) <= 1 else [" hoặc ".join(options)]
    met = False if False in mets else (None if None in mets else True)
    return met, [p for m, miss in results if m is False for p in miss]


# --- the engine ------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _fail(candidate: Candidate, code: str, message: str, *, status: str = NOT_ELIGIBLE, **kw: Any) -> Verdict:
    met = False if status == NOT_ELIGIBLE else None
    return Verdict(
        candidate=candidate,
        status=status,
        eligible=met,
        rule_set=kw.get("rule_set"),
        rule_id=kw.get("rule_id"),
        criteria=[CriterionResult(code, met, message, kw.get("citation", ""), [])],
        warnings=kw.get("warnings", []),
        missing=[],
        award_name=kw.get("award_name", ""),
    )


def check(candidates: Sequence[Candidate], *, as_of: dt.date | None = None) -> list[Verdict]:
    """Judge every candidate; verdicts in the same order.

    The facts of all candidates are loaded first (a fixed number of queries,
    whatever ``len(candidates)``), then each criteria tree is evaluated in memory.
    The cyclic garbage collector is paused meanwhile: the run allocates hundreds
    of thousands of small acyclic objects, and its passes over them cost more
    than the evaluation itself at 10,000 candidates."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _check(candidates, as_of)
    finally:
        if paused:
            gc.enable()


def _check(candidates: Sequence[Candidate], as_of: dt.date | None) -> list[Verdict]:
    default_day = as_of or _today()
    book = RuleBook()
    plans: list[tuple[Candidate, dt.date, AwardRule | None, int | None, _RuleSet | None, _Shape | None]] = []
    shapes: dict[int, _Shape] = {}
    needs = F.Needs()
    lookups: dict[tuple, tuple] = {}
    for c in candidates:
        day = c.as_of or default_day
        key = (c.award, day, c.issuer_id)
        if key not in lookups:
            lookups[key] = (
                book.rule_set_for(day),
                book.rule_for(c.award, day, c.issuer_id) if c.award in book.types else None,
            )
        chosen, rule = lookups[key]
        shape = None
        if rule is not None:
            shape = shapes.get(rule.pk) or shapes.setdefault(rule.pk, _Shape.of(rule.criteria))
        plans.append((c, day, rule, chosen[0] if chosen else None, chosen[1] if chosen else None, shape))
        kind = c.kind
        if rule is None or shape is None or kind is None or kind not in (rule.recipient_kinds or []):
            continue
        {
            RecipientKind.INDIVIDUAL: needs.person_ids,
            RecipientKind.COLLECTIVE: needs.unit_ids,
            RecipientKind.HOUSEHOLD: needs.household_ids,
        }[kind].add(c.person_id or c.unit_id or c.household_id or 0)
        needs.award_codes.add(c.award)
        needs.award_codes |= shape.codes
        needs.any_earlier_year = needs.any_earlier_year or shape.earlier
        if shape.members and kind == RecipientKind.COLLECTIVE:
            needs.member_unit_ids.add(c.unit_id or 0)
            needs.member_years.add(c.year)
        needs.first_year = min(needs.first_year, c.year - shape.lookback + 1)
        needs.last_year = max(needs.last_year, c.year)
    facts = F.load(needs)
    return [_judge(book, facts, *plan) for plan in plans]


def _judge(
    book: RuleBook,
    facts: F.Facts,
    c: Candidate,
    day: dt.date,
    rule: AwardRule | None,
    rs_pk: int | None,
    rs: _RuleSet | None,
    shape: _Shape | None,
) -> Verdict:
    if c.award not in book.types:
        return _fail(c, "award_type", f"Loại khen thưởng «{c.award}» không tồn tại.")
    name = book.name(c.award)
    warnings: list[str] = []
    if rs is not None and rs.status == RuleSetStatus.DRAFT:
        warnings.append(f"Bộ quy định {rs.code} chưa được xác nhận (dự thảo): kết quả chỉ để tham khảo.")
    if rs is None or rs_pk is None:
        return _fail(
            c, "rule", f"Không có bộ quy định áp dụng ngày {_date(day)}{_REVIEW}", status=NEEDS_REVIEW,
            award_name=name,
        )  # fmt: skip
    if rule is None:
        return _fail(
            c, "rule", f"Bộ quy định {rs.code} không có quy định về {name}{_REVIEW}",
            status=NEEDS_REVIEW, rule_set=rs.code, warnings=warnings, award_name=name,
        )  # fmt: skip
    common = {"rule_set": rs.code, "rule_id": rule.pk, "warnings": warnings, "award_name": name}
    kind = c.kind
    kinds = list(rule.recipient_kinds or [])
    if kind is None:
        return _fail(
            c, "recipient_kind", "Chưa chọn cá nhân, tập thể hoặc hộ gia đình được đề nghị.", **common
        )
    if kind not in kinds:
        allowed = ", ".join(_KIND_PHRASE.get(k, k) for k in kinds)
        return _fail(
            c, "recipient_kind", f"{name} không tặng cho {_KIND_PHRASE[kind]} (chỉ tặng cho: {allowed}).",
            citation=rule.citation, **common,
        )  # fmt: skip
    if rule.confidence != Confidence.TEXT:
        warnings.append(
            f"Quy định về {name} ({rs.code}): {_CONFIDENCE_LABEL.get(rule.confidence, rule.confidence).lower()} — cần đối chiếu văn bản."
        )
    ctx = _Ctx(book, facts, c, kind, c.year, day, rs_pk)
    shape = shape or _Shape.of(rule.criteria)
    if kind == RecipientKind.INDIVIDUAL and shape.discipline:
        ended = [d.end for d in facts.disciplines.get(c.person_id or 0, []) if d.end and d.end < day]
        ctx.cutoff = max(ended) if ended else None
    held = False
    for rec in ctx.records():
        if rec.code == c.award and rec.year == c.year:
            held = True
            warnings.append(f"Đã được tặng {name} năm {c.year} ({_record_ref(rec)}): đề nghị trùng.")
    results: list[CriterionResult] = []
    if shape.leaves:
        met, missing = _evaluate(shape.root, ctx, results)
    else:
        met, missing = None, []
        results.append(
            CriterionResult("manual", None, f"Chưa có tiêu chuẩn cho {name}{_REVIEW}", rule.citation, [])
        )
    return Verdict(
        candidate=c,
        status=_STATUS[met],
        eligible=met,
        rule_set=rs.code,
        rule_id=rule.pk,
        criteria=results,
        warnings=warnings,
        missing=[f"còn thiếu: {m}" for m in missing],
        award_name=name,
        already_held=held,
    )


def check_one(candidate: Candidate, as_of: dt.date | None = None) -> Verdict:
    """One candidate (the same code path as :func:`check`)."""
    return check([candidate], as_of=as_of)[0]


def next_awards(
    *, person_id: int | None = None, unit_id: int | None = None, year: int, as_of: dt.date | None = None
) -> list[Verdict]:
    """Every award the recipient could be proposed for, for ``year`` — eligible
    first, then the nearest (fewest missing requirements): "what's next for me".
    Awards already held for ``year`` are left out."""
    day = as_of or _today()
    probe = Candidate(award="", year=year, person_id=person_id, unit_id=unit_id)
    kind = probe.kind
    if kind is None:
        return []
    book = RuleBook()
    codes = []
    for code in book.types:
        rule = book.rule_for(code, day)
        if rule is not None and kind in (rule.recipient_kinds or []):
            codes.append(code)
    verdicts = check(
        [Candidate(award=code, year=year, person_id=person_id, unit_id=unit_id) for code in codes], as_of=day
    )

    def key(v: Verdict) -> tuple:
        manual_only = all(cr.code == "manual" for cr in v.criteria)
        rank = book.types[v.candidate.award].rank
        return (v.status != ELIGIBLE, len(v.missing), manual_only, -rank)

    return sorted((v for v in verdicts if not v.already_held), key=key)


def quota_check(
    *, unit_id: int, year: int, award: str, extra: int = 0, as_of: dt.date | None = None
) -> dict[str, Any] | None:
    """The rule's ceiling (e.g. CSTĐ cơ sở ≤ 15 % of LĐTT) in the unit's subtree for ``year``.

    "Không vượt quá" reads as rounding down: allowed = floor(max × base).
    ``extra`` counts proposals not yet decided. None when the rule has no quota."""
    book = RuleBook()
    rule = book.rule_for(award, as_of or _today())
    quota = rule.quota if rule is not None else None
    if not quota:
        return None
    base_award = str(quota["share_of"])
    share = Fraction(str(quota["max"]))
    path = Unit.objects.values_list("path", flat=True).get(pk=unit_id)
    counts = dict(
        AwardRecord.objects.filter(
            status=RecordStatus.VALID,
            occasion__in=UNIQUE_PER_YEAR,
            year=year,
            owner_unit__path__startswith=path,
            award_type__code__in=[award, base_award],
        )
        .values_list("award_type__code")
        .annotate(n=Count("id"))
        .values_list("award_type__code", "n")
    )
    count = counts.get(award, 0) + extra
    base = counts.get(base_award, 0)
    allowed = math.floor(share * base)
    exceeded = count > allowed

    def short(code: str) -> str:
        t = book.types.get(code)
        return (t.short_name or t.name) if t else code

    if base:
        sign = ">" if exceeded else "≤"
        message = (
            f"{count} {short(award)} / {base} {short(base_award)} = {_pct(Fraction(count, base))} "
            f"{sign} {_pct(share)} (tối đa {allowed})"
        )
    else:
        message = f"{count} {short(award)} / 0 {short(base_award)}: chưa có {short(base_award)} để tính tỷ lệ"
    return {
        "award": award,
        "base_award": base_award,
        "base_count": base,
        "count": count,
        "allowed": allowed,
        "exceeded": exceeded,
        "enforce": quota.get("enforce", "warn"),
        "citation": quota.get("citation", rule.citation if rule else ""),
        "message": message,
    }
