"""Verdict-only versions of the common predicates, for checks of many candidates.

Each returns ``(met, missing)`` — what the full predicate of the same name in
:mod:`.predicates` returns, without the message and the facts; those are worked
out from the full predicate only when read (:meth:`CriterionResult.deferred`,
which also asserts that both agree). A predicate without a version here is
always judged in full."""

from __future__ import annotations

from typing import Any

from thidua.awards.engine.messages import _SCOPE_PHRASE, _grade_need, _years
from thidua.awards.engine.predicates import _LOWEST_SCOPE, _disciplines, _initiatives, _rating_window
from thidua.awards.engine.rules import _Ctx
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
    if ctx.kind != RecipientKind.INDIVIDUAL:
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
