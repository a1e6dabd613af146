"""Criteria trees: compiled once per rule (:class:`_Node`, :class:`_Shape`), then
evaluated for each candidate with the tri-state ``all``/``any`` logic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from thidua.awards.engine.fast import QUICK
from thidua.awards.engine.messages import _REVIEW
from thidua.awards.engine.predicates import PREDICATES, Result
from thidua.awards.engine.rules import _Ctx
from thidua.awards.engine.types import CriterionResult
from thidua.awards.enums import Confidence


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
    judge: Callable[[_Ctx], tuple[bool | None, list[str]]]  # the verdict alone (see _judge_of)
    lookback: int  # years before Y (inclusive of Y) whose facts count
    codes: set[str]
    earlier: bool  # holds_before: any earlier year
    members: bool
    discipline: bool

    @classmethod
    def of(cls, criteria: Any) -> _Shape:
        leaves = list(_leaves(criteria))
        root = _Node.compile(criteria)
        return cls(
            leaves=leaves,
            root=root,
            judge=_judge_of(root),
            lookback=max(
                [int(leaf.get(_LOOKBACK[leaf["pred"]], 1)) for leaf in leaves if leaf["pred"] in _LOOKBACK]
                or [1]
            ),
            codes={str(leaf["award"]) for leaf in leaves if "award" in leaf},
            earlier=any(leaf["pred"] == "holds_before" for leaf in leaves),
            members=any(leaf["pred"] in _MEMBER_PREDS for leaf in leaves),
            discipline=any(leaf["pred"] == "no_discipline" for leaf in leaves),
        )


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
    quick: Any = None  # the verdict-only version of fn, if any (see .fast)
    code: str = ""
    citation: str = ""
    confidence: str = Confidence.TEXT
    alt: str = ""
    kinds: frozenset[str] | None = None  # the recipient kinds this (sub)tree is for; None: every kind

    @classmethod
    def compile(cls, node: Any, alt: str = "", counter: list[int] | None = None) -> _Node:
        counter = counter if counter is not None else [0]
        if not isinstance(node, dict):
            return cls("all", [], {})
        kinds = frozenset(node["kinds"]) if node.get("kinds") else None
        if "all" in node or "any" in node:
            op = "any" if "any" in node else "all"
            children = node[op]
            if op == "any" and not alt:
                counter[0] += 1
                labels = [f"{counter[0]}.{i}" for i in range(1, len(children) + 1)]
            else:
                labels = [alt] * len(children)
            return cls(
                op,
                [cls.compile(ch, lb, counter) for ch, lb in zip(children, labels, strict=True)],
                {},
                kinds=kinds,
            )
        pred = node.get("pred")
        return cls(
            "leaf",
            [],
            node,
            fn=PREDICATES.get(str(pred), _unsupported),
            quick=QUICK.get(str(pred)),
            code=_code(node) if pred else "?",
            citation=str(node.get("citation", "")),
            confidence=str(node.get("confidence", Confidence.TEXT)),
            alt=alt,
            kinds=kinds,
        )


def _leaf(node: _Node, ctx: _Ctx, out: list[CriterionResult]) -> tuple[bool | None, list[str]]:
    met, message, refs, missing = node.fn(node.leaf, ctx)
    out.append(CriterionResult(node.code, met, message, node.citation, refs, node.confidence, node.alt))
    return met, missing


def _evaluate(node: _Node, ctx: _Ctx, out: list[CriterionResult]) -> tuple[bool | None, list[str]]:
    """Evaluate a compiled criteria (sub)tree; append the leaves to ``out``; return
    the tri-state result and the phrases of what is missing when it is not met.

    ``all``: False if any False, else None if any None, else True; ``any``: True
    if any True, else None if any None, else False."""
    if node.op == "leaf":
        met, missing = _leaf(node, ctx, out)
        return met, missing if met is False else []
    seen_true = seen_none = seen_false = False
    applicable = 0
    misses: list[list[str]] = []  # the missing phrases of the children not met
    for child in node.children:
        if child.kinds is not None and ctx.kind not in child.kinds:
            continue  # a branch for another kind of recipient: neither judged nor listed
        applicable += 1
        met, missing = _leaf(child, ctx, out) if child.op == "leaf" else _evaluate(child, ctx, out)
        if met is True:
            seen_true = True
        elif met is None:
            seen_none = True
        else:
            seen_false = True
            misses.append(missing)
    if node.children and not applicable:
        return None, []  # no branch for this kind of recipient: a human must judge
    if node.op == "any":
        if seen_true or seen_none:
            return (True if seen_true else None), []
        return False, _options(misses)
    if seen_false:
        return False, [p for miss in misses for p in miss]
    return (None if seen_none else True), []


def _options(misses: list[list[str]]) -> list[str]:
    """What is missing for an any-of group none of whose options is met."""
    options = [" và ".join(miss) for miss in misses if miss]
    return options if len(options) <= 1 else [" hoặc ".join(options)]


def criteria_of(root: _Node, ctx: _Ctx, met: bool | None) -> list[CriterionResult]:
    """Every leaf of the tree judged in full, with its message and facts (a
    :class:`Verdict`'s deferred criteria; ``met`` is what :attr:`_Shape.judge` found)."""
    out: list[CriterionResult] = []
    found, _missing = _evaluate(root, ctx, out)
    assert found == met, (found, met)
    return out


Judge = Callable[[_Ctx], tuple[bool | None, list[str]]]


def _judge_of(node: _Node) -> Judge:
    """The tree compiled to closures that return ``(met, missing)`` as :func:`_evaluate`
    does, without messages: the quick predicates of :mod:`.fast` where there
    are, and an any-of group stops at its first option met."""
    if node.op == "leaf":
        leaf, quick, fn = node.leaf, node.quick, node.fn
        if quick is not None:
            return partial(quick, leaf)

        def judge_full(ctx: _Ctx) -> tuple[bool | None, list[str]]:
            met, _message, _refs, missing = fn(leaf, ctx)
            return met, missing

        return judge_full
    kids = [(child.kinds, _judge_of(child)) for child in node.children]
    if any(kinds is not None for kinds, _kid in kids):
        return _judge_by_kind(node.op, kids)
    plain = [kid for _kinds, kid in kids]
    if node.op == "any":

        def judge_any(ctx: _Ctx) -> tuple[bool | None, list[str]]:
            seen_none = False
            misses = []
            for kid in plain:
                met, missing = kid(ctx)
                if met is True:
                    return True, []
                if met is None:
                    seen_none = True
                else:
                    misses.append(missing)
            return (None, []) if seen_none else (False, _options(misses))

        return judge_any

    def judge_all(ctx: _Ctx) -> tuple[bool | None, list[str]]:
        seen_none = seen_false = False
        missing_all: list[str] = []
        for kid in plain:
            met, missing = kid(ctx)
            if met is False:
                seen_false = True
                missing_all += missing
            elif met is None:
                seen_none = True
        if seen_false:
            return False, missing_all
        return (None if seen_none else True), []

    return judge_all


def _judge_by_kind(op: str, kids: list[tuple[frozenset[str] | None, Judge]]) -> Judge:
    """A group some of whose branches are for one kind of recipient only (``"kinds"``):
    the branch for the candidate's kind is judged, as :func:`_evaluate` does."""

    def judge(ctx: _Ctx) -> tuple[bool | None, list[str]]:
        applicable = [kid for kinds, kid in kids if kinds is None or ctx.kind in kinds]
        if not applicable:
            return None, []
        seen_true = seen_none = seen_false = False
        misses: list[list[str]] = []
        for kid in applicable:
            met, missing = kid(ctx)
            if met is True:
                seen_true = True
            elif met is None:
                seen_none = True
            else:
                seen_false = True
                misses.append(missing)
        if op == "any":
            if seen_true or seen_none:
                return (True if seen_true else None), []
            return False, _options(misses)
        if seen_false:
            return False, [p for miss in misses for p in miss]
        return (None if seen_none else True), []

    return judge
