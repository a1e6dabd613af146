"""The predicates of the criteria trees (docs/eligibility.md), one function each.

A predicate reads one leaf's parameters and a candidate's :class:`_Ctx` and
returns ``(met, message, facts, missing)``: the tri-state result, the fact in
words, the records it used, and what is missing when it is not met."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

from thidua.awards import facts as F
from thidua.awards.engine.messages import (
    _KIND_PHRASE,
    _MEASURE_LABEL,
    _NO,
    _OK,
    _REVIEW,
    _SCOPE_PHRASE,
    _bad_text,
    _date,
    _decision,
    _grade,
    _grade_need,
    _measure,
    _paren,
    _pct,
    _record_ref,
    _span,
    _years,
)
from thidua.awards.engine.rules import _Ctx
from thidua.awards.enums import DISCIPLINE_RANK, GRADE_RANK, SCOPE_RANK, DisciplineMeasure, RecipientKind

_LOWEST_SCOPE = min(SCOPE_RANK, key=SCOPE_RANK.__getitem__)

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


def _initiatives(leaf: dict[str, Any], ctx: _Ctx) -> tuple[str, int, int, list, list]:
    """The initiatives that count for ``leaf``: (min scope, count, first year, used, taken by another award)."""
    scope, count, length = leaf.get("min_scope", _LOWEST_SCOPE), int(leaf["count"]), int(leaf["years"])
    first, c = ctx.year - length + 1, ctx.candidate
    used: list[F.InitiativeFact] = []
    taken: list[F.InitiativeFact] = []
    for ini in ctx.facts.initiatives.get(ctx.sid, ()):
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
    return scope, count, first, used, taken


def _p_initiative(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    if ctx.kind != RecipientKind.INDIVIDUAL:
        who = _KIND_PHRASE.get(ctx.kind, ctx.kind)
        return None, f"Tiêu chí sáng kiến chỉ xét cho cá nhân; tiêu chuẩn cho {who} chưa có{_REVIEW}", [], []
    scope, count, first, used, taken = _initiatives(leaf, ctx)
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


def _disciplines(ctx: _Ctx) -> tuple[list[F.DisciplineFact], list[F.DisciplineFact]]:
    """The subject's measures that block year Y or run on ``as_of``, and those ended before Y."""
    blocking: list[F.DisciplineFact] = []
    ended: list[F.DisciplineFact] = []
    measures = ctx.disciplines()
    if not measures:
        return blocking, ended
    first, last = dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)
    for d in measures:
        running = d.start <= ctx.as_of and (d.end is None or d.end >= ctx.as_of)
        if _overlaps(d, first, last) or running:
            blocking.append(d)
        elif d.end is not None and d.end < first:
            ended.append(d)
    return blocking, ended


def _p_no_discipline(leaf: dict[str, Any], ctx: _Ctx) -> Result:
    """The subject's own measures: a person's, or a collective's (the unit's — its members'
    are ``members_no_discipline``). A household's are not tracked: unknown."""
    if ctx.disciplines() is None:
        who = _KIND_PHRASE.get(ctx.kind, ctx.kind)
        return None, f"Chưa theo dõi kỷ luật, thanh tra đối với {who}{_REVIEW}", [], []
    y = ctx.year
    collective = ctx.kind == RecipientKind.COLLECTIVE
    blocking, ended = _disciplines(ctx)
    if blocking:
        refs = [_decision(d.decision_number, None) for d in blocking if d.decision_number]
        text = "; ".join(_measure(d) for d in blocking)
        head = "Tập thể bị kỷ luật" if collective else "Kỷ luật"
        return False, f"{head}: {text}{_NO}{_paren(refs)}", refs, [f"không bị kỷ luật trong năm {y}"]
    none = f"{'Tập thể không' if collective else 'Không'} bị kỷ luật trong năm {y}{_OK}"
    if ended:
        last_end = max(d.end for d in ended if d.end)
        return (
            True,
            f"{none} (kỷ luật đã chấp hành xong ngày {_date(last_end)}: chỉ tính thành tích sau ngày này)",
            [],
            [],
        )
    return True, none, [], []


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
