"""The engine's entry points: :func:`check` (set-based), :func:`check_one`,
:func:`next_awards` and :func:`quota_check`."""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django.db.models import Count
from django.utils import timezone

from thidua.awards import facts as F
from thidua.awards.engine.messages import _CONFIDENCE_LABEL, _KIND_PHRASE, _REVIEW, _date, _pct, _record_ref
from thidua.awards.engine.rules import _DISCIPLINES, RuleBook, _Group, _RuleSet, records_index
from thidua.awards.engine.tree import _Shape, criteria_of
from thidua.awards.engine.types import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    STATUS,
    Candidate,
    CriterionResult,
    Verdict,
)
from thidua.awards.enums import Confidence, RecipientKind, RecordStatus, RuleSetStatus
from thidua.awards.models import UNIQUE_PER_YEAR, AwardRecord, AwardRule
from thidua.directory.models import Unit


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
    whatever ``len(candidates)``), then each criteria tree is evaluated in memory,
    column-wise: the candidates of one rule, recipient kind and achievement year
    are judged together, criterion by criterion (:meth:`_Shape.columns`).
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


class _Plan:
    """What every candidate for one (award, day, issuer) shares: the rule set, the
    rule, its compiled tree and the warnings that do not depend on the recipient."""

    __slots__ = ("day", "groups", "kinds", "name", "needed", "rs", "rs_pk", "rule", "shape", "warnings")

    def __init__(self, book: RuleBook, award: str, day: dt.date, issuer_id: int | None, shapes: dict) -> None:
        chosen = book.rule_set_for(day)
        self.day = day
        self.rule: AwardRule | None = book.rule_for(award, day, issuer_id) if award in book.types else None
        self.rs_pk: int | None = chosen[0] if chosen else None
        self.rs: _RuleSet | None = chosen[1] if chosen else None
        self.shape: _Shape | None = None
        self.kinds: frozenset[str] = frozenset()
        self.warnings: list[str] = []  # on the judged path: draft rule set, unconfirmed rule
        self.needed = False  # its codes and lookback are in the Needs already
        self.groups: dict[tuple[str, int], _Batch] = {}  # its candidates by (kind, year)
        self.name = ""
        rule, rs = self.rule, self.rs
        if rule is None or rs is None or self.rs_pk is None:
            return
        self.shape = shapes.get(rule.pk) or shapes.setdefault(rule.pk, _Shape.of(rule.criteria))
        self.kinds = frozenset(rule.recipient_kinds or [])
        self.name = name = book.name(award)
        if rs.status == RuleSetStatus.DRAFT:
            self.warnings.append(
                f"Bộ quy định {rs.code} chưa được xác nhận (dự thảo): kết quả chỉ để tham khảo."
            )
        if rule.confidence != Confidence.TEXT:
            label = _CONFIDENCE_LABEL.get(rule.confidence, rule.confidence).lower()
            self.warnings.append(f"Quy định về {name} ({rs.code}): {label} — cần đối chiếu văn bản.")


_INDIVIDUAL, _COLLECTIVE, _HOUSEHOLD = (
    str(RecipientKind.INDIVIDUAL.value),
    str(RecipientKind.COLLECTIVE.value),
    str(RecipientKind.HOUSEHOLD.value),
)


class _Batch:
    """The candidates of one plan, recipient kind and achievement year, judged together."""

    __slots__ = ("candidates", "kind", "plan", "sids", "slots", "year")

    def __init__(self, plan: _Plan, kind: str, year: int) -> None:
        self.plan, self.kind, self.year = plan, kind, year
        self.slots: list[int] = []  # their places in the call's list of candidates
        self.candidates: list[Candidate] = []
        self.sids: list[int] = []


def _check(candidates: Sequence[Candidate], as_of: dt.date | None) -> list[Verdict]:
    default_day = as_of or _today()
    book = RuleBook()
    plans: dict[tuple, _Plan] = {}
    shapes: dict[int, _Shape] = {}
    groups: list[_Batch] = []
    verdicts: list[Verdict | None] = [None] * len(candidates)
    refused: list[tuple[int, Candidate, _Plan, str | None]] = []
    needs = F.Needs()
    ids = {_INDIVIDUAL: needs.person_ids, _COLLECTIVE: needs.unit_ids, _HOUSEHOLD: needs.household_ids}
    first_year, last_year = needs.first_year, needs.last_year
    plan_key: tuple | None = None
    plan: _Plan | None = None
    for i, c in enumerate(candidates):
        day = c.as_of or default_day
        key = (c.award, day, c.issuer_id)
        if key != plan_key:  # candidates mostly come in runs of one award: skip the dict
            plan_key, plan = key, plans.get(key)
            if plan is None:
                plan = plans[key] = _Plan(book, c.award, day, c.issuer_id, shapes)
        assert plan is not None
        kind = (
            _INDIVIDUAL
            if c.person_id is not None
            else _COLLECTIVE
            if c.unit_id is not None
            else _HOUSEHOLD
            if c.household_id is not None
            else None
        )  # Candidate.kind, inline and as a plain str (cheaper to hash): this loop runs once per candidate
        shape = plan.shape
        if shape is None or kind not in plan.kinds:
            refused.append((i, c, plan, kind))
            continue
        sid = c.person_id or c.unit_id or c.household_id or 0  # as _Ctx.sid
        ids[kind].add(sid)
        year = c.year
        group = plan.groups.get((kind, year))
        if group is None:
            group = plan.groups[(kind, year)] = _Batch(plan, kind, year)
            groups.append(group)
        group.slots.append(i)
        group.candidates.append(c)
        group.sids.append(sid)
        if not plan.needed:
            plan.needed = True
            needs.award_codes.add(c.award)
            needs.award_codes |= shape.codes
            needs.any_earlier_year = needs.any_earlier_year or shape.earlier
        if shape.members and kind == _COLLECTIVE:
            needs.member_unit_ids.add(c.unit_id or 0)
            needs.member_years.add(year)
        first = year - shape.lookback + 1
        if first < first_year:
            first_year = first
        if year > last_year:
            last_year = year
    needs.first_year, needs.last_year = first_year, last_year
    facts = F.load(needs) if groups else F.Facts()
    held: dict[str, dict] = {}
    for batch in groups:
        plan, kind = batch.plan, batch.kind
        index = held.get(kind)
        if index is None:
            index = held[kind] = records_index(facts, kind)
        group = _Group(book, facts, kind, batch.year, plan.day, plan.rs_pk or 0, index)
        group.candidates, group.sids = batch.candidates, batch.sids
        for i, verdict in zip(batch.slots, _judge(plan, group), strict=True):
            verdicts[i] = verdict
    for i, c, plan, kind in refused:
        verdicts[i] = _refuse(book, c, plan, kind)
    return verdicts  # type: ignore[return-value]  # every slot is filled


def _refuse(book: RuleBook, c: Candidate, plan: _Plan, kind: str | None) -> Verdict:
    """The verdict of a candidate whose tree is not evaluated: no such award, no
    rule set or rule, or a recipient the rule is not for."""
    if c.award not in book.types:
        return _fail(c, "award_type", f"Loại khen thưởng «{c.award}» không tồn tại.")
    name = book.name(c.award)
    rs, rule = plan.rs, plan.rule
    warnings: list[str] = []
    if rs is not None and rs.status == RuleSetStatus.DRAFT:
        warnings.append(f"Bộ quy định {rs.code} chưa được xác nhận (dự thảo): kết quả chỉ để tham khảo.")
    if rs is None or plan.rs_pk is None:
        return _fail(
            c, "rule", f"Không có bộ quy định áp dụng ngày {_date(plan.day)}{_REVIEW}", status=NEEDS_REVIEW,
            award_name=name,
        )  # fmt: skip
    if rule is None:
        return _fail(
            c, "rule", f"Bộ quy định {rs.code} không có quy định về {name}{_REVIEW}",
            status=NEEDS_REVIEW, rule_set=rs.code, warnings=warnings, award_name=name,
        )  # fmt: skip
    common = {"rule_set": rs.code, "rule_id": rule.pk, "warnings": warnings, "award_name": name}
    if kind is None:
        return _fail(
            c, "recipient_kind", "Chưa chọn cá nhân, tập thể hoặc hộ gia đình được đề nghị.", **common
        )
    kinds = list(rule.recipient_kinds or [])
    allowed = ", ".join(_KIND_PHRASE.get(k, k) for k in kinds)
    return _fail(
        c, "recipient_kind", f"{name} không tặng cho {_KIND_PHRASE[kind]} (chỉ tặng cho: {allowed}).",
        citation=rule.citation, **common,
    )  # fmt: skip


def _judge(plan: _Plan, g: _Group) -> list[Verdict]:
    """Evaluate the criteria tree of ``plan`` for a group of candidates it is meant
    for (one recipient kind, one achievement year), criterion by criterion over
    the whole group (:meth:`_Shape.columns`)."""
    rule, rs, shape, name = plan.rule, plan.rs, plan.shape, plan.name
    assert rule is not None and rs is not None and plan.rs_pk is not None and shape is not None
    kind, year, facts = g.kind, g.year, g.facts
    tracked = _DISCIPLINES.get(kind)
    if tracked is not None and shape.discipline:
        cutoffs: list[dt.date | None] = []
        by_subject = getattr(facts, tracked)
        for sid in g.sids:
            measures = by_subject.get(sid)
            ended = [d.end for d in measures if d.end and d.end < plan.day] if measures else None
            cutoffs.append(max(ended) if ended else None)
        g.cutoffs = cutoffs
    else:
        g.cutoffs = [None] * len(g.sids)
    column = shape.columns(kind)(g) if shape.leaves else None
    award, base, rule_pk = g.candidates[0].award, plan.warnings, rule.pk
    duplicates = g.held.get((award, year), {})
    verdicts: list[Verdict] = []
    deferred, status, code, root, sids = Verdict.deferred, STATUS, rs.code, shape.root, g.sids
    phrases: dict[int, tuple[list[str], list[str]]] = {}  # "còn thiếu" lines by the missing list they say
    for i, c in enumerate(g.candidates):
        warnings = list(base) if base else []
        held = False
        records = duplicates.get(sids[i])
        if records:
            held = True
            for rec in records:
                warnings.append(f"Đã được tặng {name} năm {year} ({_record_ref(rec)}): đề nghị trùng.")
        if column is None:
            criteria = [
                CriterionResult("manual", None, f"Chưa có tiêu chuẩn cho {name}{_REVIEW}", rule.citation, [])
            ]
            verdicts.append(Verdict(c, NEEDS_REVIEW, None, code, rule_pk, criteria, warnings, [], name, held))
            continue
        met, missing = column[i]
        if met is False:
            # Candidates mostly share their missing list (one per criterion failed): word it once
            # (the list is kept alive beside its words, so its id is not reused meanwhile).
            said = phrases.get(id(missing))
            if said is None:
                said = phrases[id(missing)] = (missing, [f"còn thiếu: {m}" for m in missing])
            lines = list(said[1])
        else:
            lines = []
        verdicts.append(
            deferred(
                c,
                status[met],
                met,
                code,
                rule_pk,
                (_criteria, root, g, i, met),
                warnings,
                lines,
                name,
                held,
            )
        )
    return verdicts


def _criteria(root: Any, g: _Group, i: int, met: bool | None) -> list[CriterionResult]:
    """The ``i``-th candidate's criteria in full (read from a deferred :class:`Verdict`)."""
    return criteria_of(root, g.ctx(i), met)


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
