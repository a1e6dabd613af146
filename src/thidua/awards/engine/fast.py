"""Verdict-only versions of the common predicates, for checks of many candidates.

Each returns ``(met, missing)`` — what the full predicate of the same name in
:mod:`.predicates` returns, without the message and the facts; those are worked
out from the full predicate only when read (:attr:`Verdict.criteria`, which
also asserts that both agree). A predicate without a version here is always
judged in full.

The column versions (:data:`COLUMNS`) answer one criterion for a whole
:class:`_Group` of candidates in one loop — no call and no :class:`_Ctx` per
candidate — and fall back to the candidate's own quick predicate where its
facts need the general path (an ended disciplinary measure that limits which
years count, an initiative, a measure). The missing phrases are built once
per column and shared: nobody modifies them."""

from __future__ import annotations

from typing import Any

from thidua.awards.engine.messages import _SCOPE_PHRASE, _grade_need, _years
from thidua.awards.engine.predicates import _LOWEST_SCOPE, _disciplines, _initiatives, _rating_window
from thidua.awards.engine.rules import _DISCIPLINES, _Ctx, _Group
from thidua.awards.enums import GRADE_RANK, RecipientKind

Quick = tuple[bool | None, list[str]]
_NOTHING: list[str] = []  # shared, never modified


def _q_rating(leaf: dict[str, Any], ctx: _Ctx) -> Quick:
    minimum = leaf["min"]
    r = ctx.ratings().get(ctx.year)
    if r is None:
        return None, _NOTHING
    if GRADE_RANK[r.grade] >= GRADE_RANK[minimum]:
        return True, _NOTHING
    return False, [f"01 năm {_grade_need(minimum).lower()}"]


def _q_rating_years(leaf: dict[str, Any], ctx: _Ctx) -> Quick:
    minimum, _span_years, _good, bad, unknown, _refs = _rating_window(leaf, ctx, int(leaf["count"]))
    if bad:
        return False, [f"{len(bad) + len(unknown):02d} năm {_grade_need(minimum).lower()}"]
    return (None if unknown else True), _NOTHING


def _q_holds(leaf: dict[str, Any], ctx: _Ctx) -> Quick:
    code, y = leaf["award"], ctx.year
    if ctx.excluded(code):
        return None, _NOTHING
    for r in ctx.records():  # a record of year Y always counts (see _Ctx.counts)
        if r.year == y and r.code == code:
            return True, _NOTHING
    return False, [f"{ctx.book.name(code)} năm {y}"]


def _q_holds_chain(leaf: dict[str, Any], ctx: _Ctx) -> Quick:
    code, count = leaf["award"], int(leaf["count"])
    if ctx.excluded(code):
        return None, _NOTHING
    held = ctx.held(code)
    gaps = [y for y in range(ctx.year - count + 1, ctx.year + 1) if y not in held]
    if gaps:
        return False, [f"{len(gaps):02d} năm {ctx.book.name(code)} ({_years(gaps)})"]
    return True, _NOTHING


def _q_initiative(leaf: dict[str, Any], ctx: _Ctx) -> Quick:
    if ctx.kind != RecipientKind.INDIVIDUAL:
        return None, _NOTHING
    if not ctx.facts.initiatives.get(ctx.sid):  # most people: none at all
        count = int(leaf["count"])
        if count <= 0:
            return True, _NOTHING
        return False, [f"{count:02d} sáng kiến {_SCOPE_PHRASE[leaf.get('min_scope', _LOWEST_SCOPE)]}"]
    scope, count, _first, used, _taken = _initiatives(leaf, ctx)
    if len(used) >= count:
        return True, _NOTHING
    return False, [f"{count - len(used):02d} sáng kiến {_SCOPE_PHRASE[scope]}"]


def _q_no_discipline(leaf: dict[str, Any], ctx: _Ctx) -> Quick:
    if ctx.disciplines() is None:  # not tracked for this kind (households)
        return None, _NOTHING
    blocking, _ended = _disciplines(ctx)
    if blocking:
        return False, [f"không bị kỷ luật trong năm {ctx.year}"]
    return True, _NOTHING


QUICK = {
    "rating": _q_rating,
    "rating_years": _q_rating_years,
    "holds": _q_holds,
    "holds_chain": _q_holds_chain,
    "initiative": _q_initiative,
    "no_discipline": _q_no_discipline,
}


Column = list[Quick]  # one (met, missing) per candidate of a _Group
_YES: Quick = (True, _NOTHING)
_UNKNOWN: Quick = (None, _NOTHING)


def _c_rating(leaf: dict[str, Any], g: _Group) -> Column:
    minimum, y = leaf["min"], g.year
    need = GRADE_RANK[minimum]
    no: Quick = (False, [f"01 năm {_grade_need(minimum).lower()}"])
    table, out = g.ratings(), []
    for sid in g.sids:
        by_year = table.get(sid)
        r = by_year.get(y) if by_year else None
        out.append(_UNKNOWN if r is None else _YES if GRADE_RANK[r.grade] >= need else no)
    return out


def _c_rating_years(leaf: dict[str, Any], g: _Group) -> Column:
    minimum, count, y = leaf["min"], int(leaf["count"]), g.year
    need, years = GRADE_RANK[minimum], range(y - count + 1, y + 1)
    phrase = _grade_need(minimum).lower()
    table, cutoffs, out = g.ratings(), g.cutoffs, []
    for i, sid in enumerate(g.sids):
        if cutoffs[i] is not None:  # some earlier years may not count: the general path
            out.append(_q_rating_years(leaf, g.ctx(i)))
            continue
        by_year = table.get(sid) or _NO_YEARS
        bad = unknown = 0
        for year in years:
            r = by_year.get(year)
            if r is None:
                unknown += 1
            elif GRADE_RANK[r.grade] < need:
                bad += 1
        if bad:
            out.append((False, [f"{bad + unknown:02d} năm {phrase}"]))
        else:
            out.append(_UNKNOWN if unknown else _YES)
    return out


def _c_holds(leaf: dict[str, Any], g: _Group) -> Column:
    code, y = leaf["award"], g.year
    if g.excluded(code):
        return [_UNKNOWN] * len(g.sids)
    holders = g.held.get((code, y), _NO_YEARS)  # a record of year Y always counts
    no: Quick = (False, [f"{g.book.name(code)} năm {y}"])
    return [_YES if sid in holders else no for sid in g.sids]


def _c_holds_chain(leaf: dict[str, Any], g: _Group) -> Column:
    code, count, y = leaf["award"], int(leaf["count"]), g.year
    if g.excluded(code):
        return [_UNKNOWN] * len(g.sids)
    name = g.book.name(code)
    window = [(year, g.held.get((code, year), _NO_YEARS)) for year in range(y - count + 1, y + 1)]
    cutoffs, out = g.cutoffs, []
    for i, sid in enumerate(g.sids):
        if cutoffs[i] is not None:
            out.append(_q_holds_chain(leaf, g.ctx(i)))
            continue
        gaps = [year for year, holders in window if sid not in holders]
        out.append((False, [f"{len(gaps):02d} năm {name} ({_years(gaps)})"]) if gaps else _YES)
    return out


def _c_initiative(leaf: dict[str, Any], g: _Group) -> Column:
    if g.kind != RecipientKind.INDIVIDUAL:
        return [_UNKNOWN] * len(g.sids)
    count = int(leaf["count"])
    none: Quick = (
        _YES
        if count <= 0
        else (False, [f"{count:02d} sáng kiến {_SCOPE_PHRASE[leaf.get('min_scope', _LOWEST_SCOPE)]}"])
    )
    initiatives, out = g.facts.initiatives, []
    for i, sid in enumerate(g.sids):
        out.append(_q_initiative(leaf, g.ctx(i)) if initiatives.get(sid) else none)
    return out


def _c_no_discipline(leaf: dict[str, Any], g: _Group) -> Column:
    attr = _DISCIPLINES.get(g.kind)
    if attr is None:  # not tracked for this kind (households)
        return [_UNKNOWN] * len(g.sids)
    disciplines = getattr(g.facts, attr)
    return [
        _q_no_discipline(leaf, g.ctx(i)) if disciplines.get(sid) else _YES for i, sid in enumerate(g.sids)
    ]


_NO_YEARS: dict = {}  # shared, never modified

COLUMNS = {
    "rating": _c_rating,
    "rating_years": _c_rating_years,
    "holds": _c_holds,
    "holds_chain": _c_holds_chain,
    "initiative": _c_initiative,
    "no_discipline": _c_no_discipline,
}
